package dev.prioritynotify.web;

import dev.prioritynotify.auth.Authenticator;
import dev.prioritynotify.auth.Caller;
import dev.prioritynotify.auth.Sessions;
import dev.prioritynotify.auth.Users;
import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.user.User;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Who a page request comes from: a person signed in at this browser, however they signed in
 * (the authenticator decides). An API token is not a browser, and nobody signed in is no one: both
 * are sent to the sign-in page, which brings them back to where they were going.
 */
public final class SignedIn {
    private final Authenticator auth;
    private final Users users;
    private final Sessions sessions;

    public SignedIn(Authenticator auth, Users users, Sessions sessions) {
        this.auth = auth;
        this.users = users;
        this.sessions = sessions;
    }

    /** The viewer, or empty after answering with a redirect to {@code /login?next=<this page>}. */
    Optional<Viewer> viewerOrRedirect(Context ctx) {
        Optional<Viewer> viewer = viewer(ctx);
        if (viewer.isEmpty()) {
            String here = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
            ctx.redirect("/login?next=" + URLEncoder.encode(here, StandardCharsets.UTF_8), HttpStatus.FOUND);
        }
        return viewer;
    }

    private Optional<Viewer> viewer(Context ctx) {
        Caller caller;
        try {
            caller = auth.authenticate(ctx);
        } catch (ApiError e) {
            return Optional.empty();
        }
        if (!caller.isBrowser()) {
            return Optional.empty();
        }
        Optional<User> user = users.find(caller.userId());
        return user.map(u -> new Viewer(
                u.id(),
                u.name(),
                u.admin(),
                caller.session().map(sessions::csrfToken).orElse(""),
                caller.viaProxy()));
    }
}
