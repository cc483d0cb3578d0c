package dev.prioritynotify.push;

import dev.prioritynotify.push.subscription.PushSubscription;
import java.time.Instant;
import java.util.UUID;

/** The wire shape of a subscription: the endpoint shortened, the keys never shown. */
record SubscriptionView(
        UUID id,
        UUID userId,
        String endpoint,
        String deviceName,
        String userAgent,
        String minPriority,
        Instant createdAt,
        Instant updatedAt,
        Instant lastUsedAt,
        String lastError,
        int failureCount) {

    static SubscriptionView of(PushSubscription s) {
        return new SubscriptionView(
                s.id(),
                s.userId(),
                s.endpointForDisplay(),
                s.deviceName(),
                s.userAgent(),
                s.minPriority().wire(),
                s.createdAt(),
                s.updatedAt(),
                s.lastUsedAt(),
                s.lastError(),
                s.failureCount());
    }
}
