package dev.prioritynotify.auth.oidc;

import dev.prioritynotify.auth.SafeNext;
import dev.prioritynotify.auth.Sessions;
import dev.prioritynotify.auth.Users;
import dev.prioritynotify.http.Html;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /auth/login?next=…} sends the browser to the identity provider; {@code GET
 * /auth/callback} takes its answer, starts a session and sends the browser on to {@code next}.
 * Every failure is a plain page with a 4xx status (5xx while the provider is unreachable) and
 * no session.
 *
 * <p>The browser that starts a sign-in gets a cookie {@code pn_oidc} holding a random id whose hash
 * the pending sign-in records; the callback is accepted only with it, so a code and state
 * obtained by someone else cannot sign this browser in as them (login CSRF). The cookie is
 * {@code SameSite=Lax}, which browsers still send on the provider's redirect back.
 */
public final class OidcRoutes {
    private static final Logger log = LoggerFactory.getLogger(OidcRoutes.class);
    static final String BROWSER_COOKIE = "pn_oidc";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final Optional<OidcSignIn> signIn;
    private final Sessions sessions;
    private final Users users;
    private final Optional<String> baseUrl;
    private final boolean secureCookie;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param signIn the provider's sign-in, when OIDC is configured; without it both routes say so (404)
     * @param baseUrl BASE_URL, where the provider sends the browser back after signing out there
     * @param secureCookie whether cookies are sent only over https (BASE_URL is https)
     */
    public OidcRoutes(
            Optional<OidcSignIn> signIn,
            Sessions sessions,
            Users users,
            Optional<String> baseUrl,
            boolean secureCookie) {
        this.signIn = signIn;
        this.sessions = sessions;
        this.users = users;
        this.baseUrl = baseUrl;
        this.secureCookie = secureCookie;
    }

    public void register(RoutesConfig routes) {
        routes.get("/auth/login", this::login);
        routes.get("/auth/callback", this::callback);
    }

    private void login(Context ctx) {
        if (signIn.isEmpty()) {
            notConfigured(ctx);
            return;
        }
        String browser = browserId(ctx).orElseGet(() -> {
            byte[] raw = new byte[32];
            random.nextBytes(raw);
            return B64.encodeToString(raw);
        });
        try {
            URI provider = signIn.get().begin(SafeNext.of(ctx.queryParam("next")), browser);
            ctx.res()
                    .addHeader(
                            "Set-Cookie",
                            BROWSER_COOKIE + "=" + browser + "; Path=/auth; Max-Age="
                                    + OidcSignIn.PENDING_FOR.toSeconds() + "; HttpOnly; SameSite=Lax"
                                    + (secureCookie ? "; Secure" : ""));
            ctx.redirect(provider.toString(), HttpStatus.FOUND);
        } catch (SignInFailure e) {
            log.info("OIDC sign-in not started: {}", e.getMessage());
            if (e.status() == 503) {
                ctx.header("Retry-After", "30");
            }
            page(ctx, e.status(), "The identity provider is unreachable", e.getMessage());
        }
    }

    private void callback(Context ctx) {
        if (signIn.isEmpty()) {
            notConfigured(ctx);
            return;
        }
        OidcSignIn.Answer answer = new OidcSignIn.Answer(
                Optional.ofNullable(ctx.queryParam("state")),
                Optional.ofNullable(ctx.queryParam("code")),
                Optional.ofNullable(ctx.queryParam("error")),
                Optional.ofNullable(ctx.queryParam("error_description")));
        try {
            OidcSignIn.SignedIn done = signIn.get().finish(answer, browserId(ctx));
            sessions.start(ctx, done.user().id());
            log.info(
                    "signed in with the identity provider: user {}", done.user().id());
            ctx.redirect(done.next(), HttpStatus.SEE_OTHER);
        } catch (SignInFailure e) {
            // The reason names no secret: never the code, a token or the client secret.
            log.info("OIDC sign-in refused ({}): {}", e.status(), e.getMessage());
            page(ctx, e.status(), "Sign-in failed", e.getMessage());
        }
    }

    /**
     * For {@code /auth/logout} (LoginRoutes' hook): where a browser just signed out here goes to be
     * signed out at the provider as well, when its user came from there and the provider offers it.
     * The provider sends it back to our {@code /login}.
     */
    public Optional<String> signOutElsewhere(Context ctx, UUID userId) {
        String origin = baseUrl.orElseGet(() -> ctx.scheme() + "://" + ctx.host());
        return signIn.flatMap(s -> users.find(userId).flatMap(user -> s.signOutAt(user, origin + "/login")))
                .map(URI::toString);
    }

    private Optional<String> browserId(Context ctx) {
        return Optional.ofNullable(ctx.cookie(BROWSER_COOKIE)).filter(v -> v.matches("[A-Za-z0-9_-]{43}"));
    }

    private static void notConfigured(Context ctx) {
        page(
                ctx,
                404,
                "No identity provider",
                "Sign-in with an identity provider is not configured on this server (OIDC_ISSUER_URL).");
    }

    private static void page(Context ctx, int status, String title, String message) {
        ctx.status(status).contentType("text/html; charset=utf-8").result("""
                <!doctype html>
                <html lang="en">
                <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s · priority-notify</title></head>
                <body>
                <main>
                <h1>%s</h1>
                <p role="alert">%s</p>
                <p><a href="/auth/login">Try again</a> · <a href="/login">Sign-in page</a></p>
                </main>
                </body>
                </html>
                """.formatted(
                        Html.escape(title), Html.escape(title), Html.escape(message)));
    }
}
