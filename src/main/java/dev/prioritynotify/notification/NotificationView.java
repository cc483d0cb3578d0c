package dev.prioritynotify.notification;

import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;
import java.util.UUID;

/** The wire shape of a notification (API answers and the stream's {@code notification} event). */
public record NotificationView(
        UUID id,
        String title,
        String message,
        String priority,
        String status,
        String source,
        String url,
        String tag,
        @JsonRawValue String metadata,
        Instant createdAt,
        Instant readAt) {

    public static NotificationView of(Notification n) {
        return new NotificationView(
                n.id(),
                n.title(),
                n.message(),
                n.priority().wire(),
                n.status().wire(),
                n.source(),
                n.url(),
                n.tag(),
                n.metadata(),
                n.createdAt(),
                n.readAt());
    }
}
