package dev.prioritynotify.auth;

import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.http.Html;
import dev.prioritynotify.http.RateLimiter;
import dev.prioritynotify.user.LocalAccounts;
import dev.prioritynotify.user.User;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Signing in with a local account ({@code GET/POST /login}) and signing out ({@code /auth/logout},
 * then at the identity provider too when the user came from one).
 * The page is plain server-rendered HTML with no script, so it works under the strict CSP.
 *
 * <p>Guessing is slowed per account and per address: after {@code limit} failures in a window the
 * answer is 429 with {@code Retry-After}, whatever the password. A failure never says which part
 * was wrong, and an unknown name costs the same hashing as a wrong password.
 */
public final class LoginRoutes {
    private final LocalAccounts accounts;
    private final Sessions sessions;
    private final Origins origins;
    private final RateLimiter perAccount;
    private final RateLimiter perAddress;
    private final LoginEvents events;
    private final boolean localEnabled;
    private final Optional<String> providerLogin;
    private final SignOutElsewhere signOutElsewhere;

    /**
     * @param localEnabled whether local accounts may sign in here (AUTH_LOCAL_ENABLED)
     * @param providerLogin where the identity provider's sign-in starts, when there is one
     * @param signOutElsewhere where a browser signed out here must go next to be signed out elsewhere too
     */
    public LoginRoutes(
            LocalAccounts accounts,
            Sessions sessions,
            Origins origins,
            RateLimiter perAccount,
            RateLimiter perAddress,
            LoginEvents events,
            boolean localEnabled,
            Optional<String> providerLogin,
            SignOutElsewhere signOutElsewhere) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.origins = origins;
        this.perAccount = perAccount;
        this.perAddress = perAddress;
        this.events = events;
        this.localEnabled = localEnabled;
        this.providerLogin = providerLogin;
        this.signOutElsewhere = signOutElsewhere;
    }

    /** What a sign-in records about the user (last_login_at). */
    @FunctionalInterface
    public interface LoginEvents {
        void signedIn(User user);
    }

    /**
     * Signing out of the party that signed the user in, after the session here has ended: the
     * identity provider's end-session URL (RP-initiated logout), or empty when there is none.
     */
    @FunctionalInterface
    public interface SignOutElsewhere {
        Optional<String> redirect(Context ctx, UUID userId);

        static SignOutElsewhere nowhere() {
            return (ctx, userId) -> Optional.empty();
        }
    }

    public void register(RoutesConfig routes) {
        routes.get("/login", this::form);
        routes.post("/login", this::login);
        routes.get("/auth/logout", this::logout);
        routes.post("/auth/logout", this::logout);
    }

    private void form(Context ctx) {
        if (!localEnabled) {
            String next = SafeNext.of(ctx.queryParam("next"));
            ctx.redirect(providerLogin
                    .map(url ->
                            url + "?next=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8))
                    .orElse("/"));
            return;
        }
        page(ctx, 200, SafeNext.of(ctx.queryParam("next")), null);
    }

    private void login(Context ctx) {
        if (!localEnabled) {
            throw ApiError.notFound("local accounts (AUTH_LOCAL_ENABLED is off)");
        }
        if (!origins.sameOrigin(ctx)) {
            throw ApiError.forbidden("CSRF: the request comes from another site (Origin/Referer)");
        }
        String username =
                Optional.ofNullable(ctx.formParam("username")).orElse("").strip();
        String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
        String next = SafeNext.of(ctx.formParam("next"));
        String account = username.toLowerCase(Locale.ROOT);
        long wait = Math.max(perAccount.retryAfter(account), perAddress.retryAfter(ctx.ip()));
        if (wait > 0) {
            ctx.header("Retry-After", Long.toString(wait));
            page(ctx, 429, next, "Too many failed attempts. Try again in " + wait + " s.");
            return;
        }
        Optional<User> user = accounts.verify(username, password.toCharArray());
        if (user.isEmpty()) {
            perAccount.acquire(account);
            perAddress.acquire(ctx.ip());
            page(ctx, 401, next, "Wrong user name or password.");
            return;
        }
        sessions.start(ctx, user.get().id());
        events.signedIn(user.get());
        ctx.redirect(next, io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void logout(Context ctx) {
        Optional<UUID> user = sessions.current(ctx).map(Session::userId);
        sessions.end(ctx);
        Optional<String> elsewhere = user.flatMap(id -> signOutElsewhere.redirect(ctx, id));
        if (elsewhere.isPresent() && ctx.method().equals(io.javalin.http.HandlerType.POST)) {
            // A form's POST must not redirect to another site: CSP form-action 'self' stops the
            // browser there. A page that moves on by itself (a refresh is no form navigation) does.
            String url = Html.escape(elsewhere.get());
            ctx.contentType("text/html; charset=utf-8").result("""
                    <!doctype html>
                    <html lang="en">
                    <head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=%s">
                    <title>Signing out · priority-notify</title></head>
                    <body><main><p>Signed out here. <a href="%s">Continue to sign out at your identity provider</a>.</p></main></body>
                    </html>
                    """.formatted(url, url));
            return;
        }
        ctx.redirect(elsewhere.orElse(localEnabled ? "/login" : "/"), io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void page(Context ctx, int status, String next, String error) {
        String provider = providerLogin
                .map(url -> "<p><a href=\""
                        + Html.escape(url + "?next="
                                + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8))
                        + "\">Sign in with your identity provider</a></p>")
                .orElse("");
        ctx.status(status).contentType("text/html; charset=utf-8").result("""
                <!doctype html>
                <html lang="en">
                <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Sign in · priority-notify</title></head>
                <body>
                <main>
                <h1>Sign in</h1>
                %s
                <form method="post" action="/login">
                <input type="hidden" name="next" value="%s">
                <p><label for="username">User name</label><br><input id="username" name="username" autocomplete="username" required autofocus></p>
                <p><label for="password">Password</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>
                <p><button type="submit">Sign in</button></p>
                </form>
                %s
                </main>
                </body>
                </html>
                """.formatted(
                error == null ? "" : "<p role=\"alert\">" + Html.escape(error) + "</p>", Html.escape(next), provider));
    }
}
