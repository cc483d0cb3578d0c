package dev.prioritynotify.push.subscription;

import dev.prioritynotify.notification.Priority;
import dev.prioritynotify.webpush.Endpoints;
import dev.prioritynotify.webpush.SubscriptionKeys;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;

/** A stored push subscription: where one browser or PWA of a user receives pushes. */
public record PushSubscription(
        UUID id,
        UUID userId,
        String endpoint,
        SubscriptionKeys keys,
        String userAgent,
        String deviceName,
        Priority minPriority,
        Instant createdAt,
        Instant updatedAt,
        Instant lastUsedAt,
        String lastError,
        int failureCount) {

    public URI endpointUri() {
        return URI.create(endpoint);
    }

    /** Endpoints are capabilities: whoever knows one can push to the device. Logs and answers show this instead. */
    public String endpointForDisplay() {
        return Endpoints.truncate(endpoint);
    }

    @Override
    public String toString() {
        return "PushSubscription[id=" + id + ", user=" + userId + ", endpoint=" + endpointForDisplay() + "]";
    }
}
