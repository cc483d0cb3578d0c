package dev.prioritynotify.auth;

import java.time.Instant;
import java.util.UUID;

/**
 * A signed-in browser. {@code id} is the random value its cookie carries (the database keeps only
 * its hash); the CSRF token of the session is derived from it.
 */
public record Session(String id, UUID userId, Instant expiresAt) {
    /** Never the id: it is as good as a password while the session lasts. */
    @Override
    public String toString() {
        return "Session[user=" + userId + ", expires=" + expiresAt + "]";
    }
}
