package dev.prioritynotify.web;

import dev.prioritynotify.auth.Authenticator;
import dev.prioritynotify.auth.Caller;
import dev.prioritynotify.auth.Session;
import dev.prioritynotify.auth.Sessions;
import dev.prioritynotify.auth.Users;
import dev.prioritynotify.http.Html;
import dev.prioritynotify.user.User;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * {@code /}: who is signed in, and the way out. The dashboard replaces this page with the web app;
 * until then it is where signing in lands, instead of a JSON 404.
 */
public final class HomeRoutes {
    private final Authenticator auth;
    private final Sessions sessions;
    private final Users users;

    public HomeRoutes(Authenticator auth, Sessions sessions, Users users) {
        this.auth = auth;
        this.sessions = sessions;
        this.users = users;
    }

    public void register(RoutesConfig routes) {
        routes.get("/", this::home);
    }

    private void home(Context ctx) {
        Optional<Caller> caller = auth.browser(ctx);
        Optional<User> user = caller.flatMap(c -> users.find(c.userId()));
        if (caller.isEmpty() || user.isEmpty()) {
            ctx.redirect("/login");
            return;
        }
        Optional<Session> session = caller.get().session();
        // Signed in by the reverse proxy: there is no session of ours to end; the proxy's sign-out ends it.
        String signOut = session.map(s -> """
                        <form method="post" action="/auth/logout">
                        <input type="hidden" name="%s" value="%s">
                        <button type="submit">Sign out</button>
                        </form>""".formatted(Authenticator.CSRF_FIELD, Html.escape(sessions.csrfToken(s))))
                .orElse("<p>Signed in by your reverse proxy; sign out there.</p>");
        ctx.contentType("text/html; charset=utf-8").result("""
                <!doctype html>
                <html lang="en">
                <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>priority-notify</title></head>
                <body>
                <main>
                <h1>priority-notify</h1>
                <p>Signed in as <strong>%s</strong>%s.</p>
                <p>Your account: <a href="/api/me">/api/me</a>. Tokens for scripts and devices: <code>/api/tokens/</code>.</p>
                %s
                </main>
                </body>
                </html>
                """.formatted(
                        Html.escape(user.get().name()), user.get().admin() ? " (administrator)" : "", signOut));
    }
}
