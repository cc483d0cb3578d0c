package dev.prioritynotify.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prioritynotify.auth.Authenticator;
import dev.prioritynotify.auth.Caller;
import dev.prioritynotify.auth.Sessions;
import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.http.Input;
import dev.prioritynotify.user.LocalAccounts;
import dev.prioritynotify.user.User;
import dev.prioritynotify.user.UserDirectory;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code /api/admin/users}: what an administrator does to users. Browser sessions of an
 * administrator only, as DESIGN §4 has it for the other admin route (broadcast): an API token,
 * even an administrator's, gets 403, so a token leaked from a script cannot create accounts or
 * delete users.
 *
 * <p>A password made here (a new user's without one given, a reset) is in the answer once and
 * nowhere else; the person changes it with {@code POST /api/me/password}. A reset ends every
 * session of that user (all but the administrator's own when they reset their own), and a deleted
 * user's sessions and tokens go with the row, so both take effect on the next request.
 */
public final class AdminRoutes {
    private static final int MAX_PASSWORD_LENGTH = 1024;
    private static final int MIN_PASSWORD_LENGTH = 8;

    private final Authenticator auth;
    private final UserDirectory users;
    private final LocalAccounts accounts;
    private final Sessions sessions;
    private final Input input;

    public AdminRoutes(
            Authenticator auth, UserDirectory users, LocalAccounts accounts, Sessions sessions, Input input) {
        this.auth = auth;
        this.users = users;
        this.accounts = accounts;
        this.sessions = sessions;
        this.input = input;
    }

    /** A user as an administrator sees them. {@code username} is set for local accounts only. */
    record UserView(
            UUID id,
            String username,
            String name,
            String email,
            boolean isAdmin,
            String kind,
            Instant createdAt,
            Instant lastLoginAt) {
        static UserView of(User u) {
            Optional<String> username = LocalAccounts.usernameOf(u);
            return new UserView(
                    u.id(),
                    username.orElse(null),
                    u.name(),
                    u.email(),
                    u.admin(),
                    username.isPresent() ? "local" : "external",
                    u.createdAt(),
                    u.lastLoginAt());
        }
    }

    record UserList(List<UserView> items) {}

    /** A new user, with the password made for them when none was given. */
    record CreatedView(
            UserView user,
            @JsonInclude(JsonInclude.Include.NON_NULL) String password) {}

    record PasswordView(String password) {}

    public void register(RoutesConfig routes) {
        routes.get("/api/admin/users", this::list);
        routes.post("/api/admin/users", this::create);
        routes.patch("/api/admin/users/{id}", this::update);
        routes.delete("/api/admin/users/{id}", this::delete);
        routes.post("/api/admin/users/{id}/password", this::resetPassword);
    }

    private Caller requireAdmin(Context ctx) {
        Caller caller = auth.requireSession(ctx);
        if (!auth.isAdmin(caller)) {
            throw ApiError.forbidden("Authorization: only administrators may do this");
        }
        return caller;
    }

    private void list(Context ctx) {
        requireAdmin(ctx);
        ctx.json(new UserList(users.list().stream().map(UserView::of).toList()));
    }

    private void create(Context ctx) {
        requireAdmin(ctx);
        ObjectNode body = input.object(ctx);
        String username = Input.requiredString(body, "username", 64).strip();
        boolean admin = Input.optionalBoolean(body, "is_admin").orElse(false);
        Optional<String> given = password(body);
        if (accounts.find(username).isPresent()) {
            throw ApiError.conflict("username: '" + username + "' is taken");
        }
        String password = given.orElseGet(accounts::generatePassword);
        User user;
        try {
            user = accounts.create(username, admin, Optional.of(password.toCharArray()));
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("username", e.getMessage().replaceFirst("^username ", ""));
        }
        ctx.header("Cache-Control", "no-store");
        ctx.status(201).json(new CreatedView(UserView.of(user), given.isPresent() ? null : password));
    }

    private void update(Context ctx) {
        requireAdmin(ctx);
        UUID id = Input.pathUuid(ctx, "id");
        ObjectNode body = input.object(ctx);
        boolean admin =
                Input.optionalBoolean(body, "is_admin").orElseThrow(() -> ApiError.invalid("is_admin", "is required"));
        switch (users.setAdmin(id, admin)) {
            case NO_SUCH_USER -> throw ApiError.notFound("user");
            case LAST_ADMIN ->
                throw ApiError.conflict(
                        "is_admin: this is the last administrator; make another user an administrator first");
            case CHANGED -> ctx.json(UserView.of(users.find(id).orElseThrow(() -> ApiError.notFound("user"))));
        }
    }

    private void delete(Context ctx) {
        Caller caller = requireAdmin(ctx);
        UUID id = Input.pathUuid(ctx, "id");
        if (id.equals(caller.userId())) {
            throw ApiError.conflict("id: administrators cannot delete themselves; another administrator can");
        }
        if (!users.delete(id)) {
            throw ApiError.notFound("user");
        }
        ctx.status(204);
    }

    /** Sets the password given, or makes one and answers it once. */
    private void resetPassword(Context ctx) {
        Caller caller = requireAdmin(ctx);
        UUID id = Input.pathUuid(ctx, "id");
        Optional<String> given = ctx.body().isBlank() ? Optional.empty() : password(input.object(ctx));
        User user = users.find(id).orElseThrow(() -> ApiError.notFound("user"));
        if (LocalAccounts.usernameOf(user).isEmpty()) {
            throw ApiError.conflict("id: this user signs in through an identity provider and has no password here");
        }
        String password = given.orElseGet(accounts::generatePassword);
        accounts.setPassword(user, password.toCharArray());
        sessions.endAll(user.id(), user.id().equals(caller.userId()) ? caller.session() : Optional.empty());
        if (given.isPresent()) {
            ctx.status(204);
        } else {
            ctx.header("Cache-Control", "no-store");
            ctx.json(new PasswordView(password));
        }
    }

    private static Optional<String> password(ObjectNode body) {
        Optional<String> password = Input.optionalString(body, "password", MAX_PASSWORD_LENGTH);
        if (password.isPresent() && password.get().length() < MIN_PASSWORD_LENGTH) {
            throw ApiError.invalid("password", "must be at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        return password;
    }
}
