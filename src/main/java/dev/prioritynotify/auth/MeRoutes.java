package dev.prioritynotify.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.token.Scope;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /api/me}: who the caller is, with the scopes of the credential used. A signed-in
 * browser also gets its session's CSRF token, which its scripts send as {@code X-CSRF-Token}.
 */
public final class MeRoutes {
    private final Authenticator auth;
    private final Users users;
    private final Sessions sessions;

    public MeRoutes(Authenticator auth, Users users, Sessions sessions) {
        this.auth = auth;
        this.users = users;
        this.sessions = sessions;
    }

    record MeView(
            UUID id,
            String sub,
            String email,
            String name,
            boolean isAdmin,
            List<String> scopes,
            Instant createdAt,
            Instant lastLoginAt,
            @JsonInclude(JsonInclude.Include.NON_NULL) String csrfToken) {}

    public void register(RoutesConfig routes) {
        routes.get("/api/me", this::me);
    }

    private void me(Context ctx) {
        Caller caller = auth.authenticate(ctx);
        var user = users.find(caller.userId()).orElseThrow(() -> ApiError.notFound("user"));
        ctx.json(new MeView(
                user.id(),
                user.sub(),
                user.email(),
                user.name(),
                user.admin(),
                caller.scopes().stream().sorted().map(Scope::wire).toList(),
                user.createdAt(),
                user.lastLoginAt(),
                caller.session().map(sessions::csrfToken).orElse(null)));
    }
}
