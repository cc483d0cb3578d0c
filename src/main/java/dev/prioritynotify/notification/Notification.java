package dev.prioritynotify.notification;

import java.time.Instant;
import java.util.UUID;

/** A notification as stored. {@code metadata} is compact JSON text of an object, or null. */
public record Notification(
        UUID id,
        UUID userId,
        String title,
        String message,
        Priority priority,
        Status status,
        String source,
        String url,
        String tag,
        String metadata,
        Instant createdAt,
        Instant readAt) {

    Notification withStatus(Status newStatus, Instant now) {
        Instant newReadAt = switch (newStatus) {
            case READ -> readAt != null && status == Status.READ ? readAt : now;
            case UNREAD -> null;
            // Archiving keeps the read time: an archived notification may or may not have been read.
            case ARCHIVED -> readAt;
        };
        return new Notification(
                id, userId, title, message, priority, newStatus, source, url, tag, metadata, createdAt, newReadAt);
    }
}
