package dev.prioritynotify.auth;

import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.token.Scope;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** {@code GET /api/me}: who the caller is, with the scopes of the credential used. */
public final class MeRoutes {
    private final Authenticator auth;
    private final Users users;

    public MeRoutes(Authenticator auth, Users users) {
        this.auth = auth;
        this.users = users;
    }

    record MeView(
            UUID id,
            String sub,
            String email,
            String name,
            boolean isAdmin,
            List<String> scopes,
            Instant createdAt,
            Instant lastLoginAt) {}

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
                user.lastLoginAt()));
    }
}
