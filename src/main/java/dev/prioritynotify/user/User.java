package dev.prioritynotify.user;

import java.time.Instant;
import java.util.UUID;

/** A user as stored. {@code sub} is the OIDC subject, or {@code local:<username>} for local accounts. */
public record User(
        UUID id, String sub, String email, String name, boolean admin, Instant createdAt, Instant lastLoginAt) {}
