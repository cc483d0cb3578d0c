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

    /** The limits every way of creating a notification applies (DESIGN §3), in characters or UTF-8 bytes. */
    public static final int MAX_TITLE = 256;

    public static final int MAX_MESSAGE_BYTES = 64 * 1024;
    public static final int MAX_SOURCE = 64;
    public static final int MAX_TAG = 64;
    public static final int MAX_URL = 2048;
    public static final int MAX_METADATA_BYTES = 16 * 1024;

    /**
     * Whether a click target may be stored: it ends up in links and service workers, so only web
     * URLs and site paths, never {@code javascript:} or another scheme.
     */
    public static boolean isAllowedUrl(String url) {
        boolean sitePath = url.startsWith("/") && !url.startsWith("//");
        return sitePath || url.startsWith("https://") || url.startsWith("http://");
    }

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
