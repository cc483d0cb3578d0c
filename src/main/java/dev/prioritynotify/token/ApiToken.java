package dev.prioritynotify.token;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** A token as stored and listed: never its plaintext, never its hash. */
public record ApiToken(
        UUID id,
        UUID userId,
        String name,
        DeviceType deviceType,
        Set<Scope> scopes,
        Instant createdAt,
        Instant lastUsedAt,
        Instant expiresAt) {
    public ApiToken {
        scopes = Set.copyOf(scopes);
    }

    public boolean isExpiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
