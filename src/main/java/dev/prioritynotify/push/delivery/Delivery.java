package dev.prioritynotify.push.delivery;

import java.time.Instant;
import java.util.UUID;

/** A claimed outbox row: one push to send to one device. {@code notificationId} is null for a burst summary. */
record Delivery(
        UUID id,
        Kind kind,
        UUID notificationId,
        UUID subscriptionId,
        UUID userId,
        String origin,
        int attempts,
        Instant windowStart) {
    enum Kind {
        NOTIFICATION,
        SUMMARY
    }
}
