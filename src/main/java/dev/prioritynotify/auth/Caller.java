package dev.prioritynotify.auth;

import dev.prioritynotify.token.Scope;
import java.util.Set;
import java.util.UUID;

/** The authenticated party of one request. Every query a handler makes is scoped by {@code userId}. */
public record Caller(UUID userId, Set<Scope> scopes) {
    public Caller {
        scopes = Set.copyOf(scopes);
    }
}
