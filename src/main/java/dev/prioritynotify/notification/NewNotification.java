package dev.prioritynotify.notification;

import java.util.Optional;

/** A validated request to create a notification (see {@link NotificationRoutes} for the limits). */
public record NewNotification(
        String title,
        Optional<String> message,
        Priority priority,
        Optional<String> source,
        Optional<String> url,
        Optional<String> tag,
        Optional<String> metadata) {

    public static NewNotification of(String title, String message, Priority priority, String source) {
        return new NewNotification(
                title,
                Optional.ofNullable(message),
                priority,
                Optional.ofNullable(source),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }
}
