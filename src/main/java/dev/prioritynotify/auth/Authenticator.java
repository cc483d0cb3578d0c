package dev.prioritynotify.auth;

import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.token.Scope;
import dev.prioritynotify.token.TokenService;
import dev.prioritynotify.user.User;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.UUID;

/**
 * Resolves a request to a {@link Caller}: {@code Authorization: Bearer pn_...} (an API token), else
 * the session cookie of a signed-in browser, and enforces the scope a route needs.
 *
 * <p>A cookie is sent by the browser on its own, also on requests another site makes it send, so a
 * state-changing request authenticated by its cookie must prove it comes from our own pages: its
 * {@code Origin} (or, without one, {@code Referer}) is this server's, and it carries the session's
 * CSRF token ({@code X-CSRF-Token}, or {@code csrf_token} in a form). A bearer token is never sent
 * by a browser on its own, so token requests need neither.
 *
 * <p>Behind a trusted reverse proxy ({@link TrustedProxy}) a request without a bearer token may be
 * signed in by the proxy's header instead. That person is at a browser too, but has no cookie of
 * ours: a state-changing request needs only the same-origin check, as there is no session for a
 * CSRF token to belong to (the proxy's own cookie is what another site could make the browser send,
 * and the {@code Origin} check is what stops that).
 */
public final class Authenticator {
    private static final String BEARER = "Bearer ";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    public static final String CSRF_FIELD = "csrf_token";

    private final TokenService tokens;
    private final Users users;
    private final Sessions sessions;
    private final Origins origins;
    private final Optional<TrustedProxy> proxy;

    public Authenticator(
            TokenService tokens, Users users, Sessions sessions, Origins origins, Optional<TrustedProxy> proxy) {
        this.tokens = tokens;
        this.users = users;
        this.sessions = sessions;
        this.origins = origins;
        this.proxy = proxy;
    }

    /**
     * The person at a browser, signed in by the proxy or by our session cookie, for a page that
     * only reads (no CSRF check): empty when nobody is.
     */
    public Optional<Caller> browser(Context ctx) {
        Optional<UUID> viaProxy = proxy.flatMap(p -> p.signIn(ctx));
        if (viaProxy.isPresent()) {
            return viaProxy.map(Caller::ofProxy);
        }
        return sessions.current(ctx).map(Caller::ofSession);
    }

    /** A person at a browser, signed in; routes that only a person at the web app may use (token management). */
    public Caller requireSession(Context ctx) {
        Caller caller = authenticate(ctx);
        if (!caller.isBrowser()) {
            throw ApiError.forbidden("Authorization: this needs a signed-in session, not an API token");
        }
        return caller;
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
        return withScope(authenticate(ctx, false), scope);
    }

    /**
     * As {@link #require}, for a request that writes: an API token seen before is taken from
     * memory instead of read, and the write confirms it ({@link Caller#tokenToConfirm}) in its own
     * transaction, answering {@link #revoked} when it is gone. The check costs the writer one
     * statement per group of writes rather than every request a read.
     */
    public Caller requireToWrite(Context ctx, Scope scope) {
        return withScope(authenticate(ctx, true), scope);
    }

    /** The answer for a write whose token turned out to be revoked when the write confirmed it. */
    public static ApiError revoked(Context ctx) {
        return unauthenticated(ctx, "Authorization: unknown or revoked token");
    }

    private static Caller withScope(Caller caller, Scope scope) {
        if (!caller.scopes().contains(scope)) {
            throw ApiError.forbidden("Authorization: token lacks the '" + scope.wire() + "' scope");
        }
        return caller;
    }

    /** Any valid token, whatever its scopes (e.g. {@code /api/me}). */
    public Caller authenticate(Context ctx) {
        return authenticate(ctx, false);
    }

    private Caller authenticate(Context ctx, boolean confirmedByTheWrite) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            Optional<UUID> viaProxy = proxy.flatMap(p -> p.signIn(ctx));
            if (viaProxy.isPresent()) {
                if (changesState(ctx) && !origins.sameOrigin(ctx)) {
                    throw ApiError.forbidden("CSRF: the request comes from another site (Origin/Referer)");
                }
                return Caller.ofProxy(viaProxy.get());
            }
            Optional<Session> session = sessions.current(ctx);
            if (session.isEmpty()) {
                throw unauthenticated(ctx, "Authorization: missing; send 'Authorization: Bearer <token>'");
            }
            if (changesState(ctx)) {
                checkCsrf(ctx, session.get());
            }
            return Caller.ofSession(session.get());
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw unauthenticated(ctx, "Authorization: must be 'Bearer <token>'");
        }
        return token(ctx, header.substring(BEARER.length()).trim(), confirmedByTheWrite);
    }

    /**
     * A token presented somewhere other than {@code Authorization: Bearer} (Gotify's
     * {@code X-Gotify-Key}, ntfy's {@code ?auth=} or Basic password), checked exactly as a bearer
     * token is, and holding the scope. Never a session: such a request carries no cookie proof.
     */
    public Caller requireToken(Context ctx, String presented, Scope scope) {
        return withScope(token(ctx, presented.trim(), false), scope);
    }

    private Caller token(Context ctx, String presented, boolean confirmedByTheWrite) {
        TokenService.Checked checked = confirmedByTheWrite
                ? tokens.checkToConfirm(presented)
                : new TokenService.Checked(tokens.check(presented), false);
        return switch (checked.check()) {
            case TokenService.Check.Valid valid
            when checked.toConfirm() ->
                Caller.ofTokenToConfirm(
                        valid.token().userId(),
                        valid.token().scopes(),
                        valid.token().id());
            case TokenService.Check.Valid valid ->
                Caller.ofToken(valid.token().userId(), valid.token().scopes());
            case TokenService.Check.Expired expired -> throw unauthenticated(ctx, "Authorization: token has expired");
            case TokenService.Check.Unknown unknown -> throw revoked(ctx);
        };
    }

    private static boolean changesState(Context ctx) {
        return switch (ctx.method().name()) {
            case "GET", "HEAD", "OPTIONS" -> false;
            default -> true;
        };
    }

    private void checkCsrf(Context ctx, Session session) {
        if (!origins.sameOrigin(ctx)) {
            throw ApiError.forbidden("CSRF: the request comes from another site (Origin/Referer)");
        }
        String presented = ctx.header(CSRF_HEADER);
        if (presented == null && isForm(ctx)) {
            presented = ctx.formParam(CSRF_FIELD);
        }
        if (presented == null || !sessions.csrfMatches(session, presented)) {
            throw ApiError.forbidden("CSRF: missing or wrong " + CSRF_HEADER + " (or form field " + CSRF_FIELD + ")");
        }
    }

    private static boolean isForm(Context ctx) {
        String type = ctx.contentType();
        return type != null && type.startsWith("application/x-www-form-urlencoded");
    }

    private static ApiError unauthenticated(Context ctx, String detail) {
        ctx.header("WWW-Authenticate", "Bearer");
        return ApiError.unauthenticated(detail);
    }
}
