package dev.prioritynotify.web;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One user in the administration list.
 *
 * @param username the local account's user name; null for people signing in through an identity provider
 * @param lastLoginAt null when they never signed in
 */
public record UserRow(
        UUID id,
        @Nullable String username,
        String name,
        @Nullable String email,
        boolean admin,
        Instant createdAt,
        @Nullable Instant lastLoginAt) {
    /** The row a page's script fills in for a user it made. */
    static UserRow blank() {
        return new UserRow(new UUID(0, 0), "", "", null, false, Instant.EPOCH, null);
    }

    public boolean local() {
        return username != null;
    }

    public String emailText() {
        return email == null ? "" : email;
    }

    public String usernameText() {
        return username == null ? "" : username;
    }

    public Times.Shown created() {
        return Times.shown(createdAt, "");
    }

    public Times.Shown lastSignIn() {
        return Times.shown(lastLoginAt, "Never");
    }
}
