package dev.prioritynotify.auth;

import dev.prioritynotify.token.Scope;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The authenticated party of one request. Every query a handler makes is scoped by {@code userId}.
 * A signed-in browser ({@code session} present) holds every scope; a token holds its own.
 */
public record Caller(UUID userId, Set<Scope> scopes, Optional<Session> session) {
    public Caller {
        scopes = Set.copyOf(scopes);
    }

    static Caller ofToken(UUID userId, Set<Scope> scopes) {
        return new Caller(userId, scopes, Optional.empty());
    }

    static Caller ofSession(Session session) {
        return new Caller(session.userId(), EnumSet.allOf(Scope.class), Optional.of(session));
    }
}
