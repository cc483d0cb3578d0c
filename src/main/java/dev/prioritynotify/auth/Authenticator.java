package dev.prioritynotify.auth;

import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.token.Scope;
import dev.prioritynotify.token.TokenService;
import dev.prioritynotify.user.User;
import io.javalin.http.Context;

/** Resolves {@code Authorization: Bearer pn_...} to a {@link Caller} and enforces the scope a route needs. */
public final class Authenticator {
    private static final String BEARER = "Bearer ";

    private final TokenService tokens;
    private final Users users;

    public Authenticator(TokenService tokens, Users users) {
        this.tokens = tokens;
        this.users = users;
    }

    /** A caller with the scope who is also an administrator. */
    public Caller requireAdmin(Context ctx, Scope scope) {
        Caller caller = require(ctx, scope);
        if (!users.find(caller.userId()).map(User::admin).orElse(false)) {
            throw ApiError.forbidden("Authorization: only administrators may do this");
        }
        return caller;
    }

    public boolean isAdmin(Caller caller) {
        return users.find(caller.userId()).map(User::admin).orElse(false);
    }

    public Caller require(Context ctx, Scope scope) {
        Caller caller = authenticate(ctx);
        if (!caller.scopes().contains(scope)) {
            throw ApiError.forbidden("Authorization: token lacks the '" + scope.wire() + "' scope");
        }
        return caller;
    }

    /** Any valid token, whatever its scopes (e.g. {@code /api/me}). */
    public Caller authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw unauthenticated(ctx, "Authorization: missing; send 'Authorization: Bearer <token>'");
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw unauthenticated(ctx, "Authorization: must be 'Bearer <token>'");
        }
        String presented = header.substring(BEARER.length()).trim();
        return switch (tokens.check(presented)) {
            case TokenService.Check.Valid valid ->
                new Caller(valid.token().userId(), valid.token().scopes());
            case TokenService.Check.Expired expired -> throw unauthenticated(ctx, "Authorization: token has expired");
            case TokenService.Check.Unknown unknown ->
                throw unauthenticated(ctx, "Authorization: unknown or revoked token");
        };
    }

    private static ApiError unauthenticated(Context ctx, String detail) {
        ctx.header("WWW-Authenticate", "Bearer");
        return ApiError.unauthenticated(detail);
    }
}
