package dev.prioritynotify.auth;

import dev.prioritynotify.token.Scope;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The authenticated party of one request. Every query a handler makes is scoped by {@code userId}.
 * A person at a browser, signed in by our session cookie ({@code session} present) or by a trusted
 * reverse proxy ({@code viaProxy}), holds every scope; an API token holds its own.
 *
 * @param tokenToConfirm the API token, when it was taken from memory
 *     ({@link Authenticator#requireToWrite}): the write it allows must confirm it in its transaction
 */
public record Caller(
        UUID userId, Set<Scope> scopes, Optional<Session> session, boolean viaProxy, Optional<UUID> tokenToConfirm) {
    public Caller {
        scopes = Set.copyOf(scopes);
        if (viaProxy && session.isPresent()) {
            throw new IllegalArgumentException("a caller is signed in by a session or by the proxy, not both");
        }
    }

    static Caller ofToken(UUID userId, Set<Scope> scopes) {
        return new Caller(userId, scopes, Optional.empty(), false, Optional.empty());
    }

    static Caller ofTokenToConfirm(UUID userId, Set<Scope> scopes, UUID tokenId) {
        return new Caller(userId, scopes, Optional.empty(), false, Optional.of(tokenId));
    }

    static Caller ofSession(Session session) {
        return new Caller(session.userId(), EnumSet.allOf(Scope.class), Optional.of(session), false, Optional.empty());
    }

    static Caller ofProxy(UUID userId) {
        return new Caller(userId, EnumSet.allOf(Scope.class), Optional.empty(), true, Optional.empty());
    }

    /** A person at the web app rather than a script: what session-only routes (token management) ask for. */
    public boolean isBrowser() {
        return session.isPresent() || viaProxy;
    }

    /**
     * Names this browser sign-in, for what only the sign-in that made it may see again (a new
     * token's QR code): the session's id, or the user when the proxy signs them in on each request.
     * Never logged: a session's id is as good as its cookie.
     */
    public Optional<String> browserKey() {
        if (session.isPresent()) {
            return Optional.of("session:" + session.get().id());
        }
        return viaProxy ? Optional.of("proxy:" + userId) : Optional.empty();
    }
}
