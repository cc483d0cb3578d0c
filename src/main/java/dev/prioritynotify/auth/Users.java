package dev.prioritynotify.auth;

import dev.prioritynotify.user.User;
import java.util.Optional;
import java.util.UUID;

/** What sign-in and {@code /api/me} need to know of the users: who an id is. The user feature answers. */
@FunctionalInterface
public interface Users {
    Optional<User> find(UUID id);
}
