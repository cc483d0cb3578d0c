package dev.prioritynotify.account;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prioritynotify.auth.Authenticator;
import dev.prioritynotify.auth.Caller;
import dev.prioritynotify.auth.Sessions;
import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.http.Input;
import dev.prioritynotify.http.RateLimiter;
import dev.prioritynotify.user.LocalAccounts;
import dev.prioritynotify.user.User;
import dev.prioritynotify.user.UserDirectory;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * {@code POST /api/me/password}: a local account changes its own password, proving it knows the
 * current one. Every other session of the user ends (whoever else knew the old password is signed
 * out); the browser that made the change stays signed in. Wrong current passwords count against the
 * same kind of limit as sign-in, so a stolen session cannot be used to guess the password.
 */
public final class PasswordRoutes {
    /** Argon2id hashes whatever it is given; a longer "password" is an attempt to make the server work. */
    private static final int MAX_PASSWORD_LENGTH = 1024;

    private static final int MIN_PASSWORD_LENGTH = 8;

    private final Authenticator auth;
    private final UserDirectory users;
    private final LocalAccounts accounts;
    private final Sessions sessions;
    private final Input input;
    private final RateLimiter wrongPasswords;

    public PasswordRoutes(
            Authenticator auth,
            UserDirectory users,
            LocalAccounts accounts,
            Sessions sessions,
            Input input,
            RateLimiter wrongPasswords) {
        this.auth = auth;
        this.users = users;
        this.accounts = accounts;
        this.sessions = sessions;
        this.input = input;
        this.wrongPasswords = wrongPasswords;
    }

    public void register(RoutesConfig routes) {
        routes.post("/api/me/password", this::change);
    }

    private void change(Context ctx) {
        Caller caller = auth.requireSession(ctx);
        User user = users.find(caller.userId()).orElseThrow(() -> ApiError.notFound("user"));
        if (LocalAccounts.usernameOf(user).isEmpty()) {
            throw ApiError.conflict(
                    "password: this account signs in through its identity provider; change the password there");
        }
        ObjectNode body = input.object(ctx);
        String current = Input.requiredString(body, "current_password", MAX_PASSWORD_LENGTH);
        String next = Input.requiredString(body, "new_password", MAX_PASSWORD_LENGTH);
        if (next.length() < MIN_PASSWORD_LENGTH) {
            throw ApiError.invalid("new_password", "must be at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        String key = user.id().toString();
        long wait = wrongPasswords.retryAfter(key);
        if (wait > 0) {
            throw ApiError.rateLimited(wait);
        }
        if (!accounts.passwordMatches(user, current.toCharArray())) {
            wrongPasswords.acquire(key);
            throw ApiError.forbidden("current_password: is not this account's password");
        }
        accounts.setPassword(user, next.toCharArray());
        sessions.endAll(user.id(), caller.session());
        ctx.status(204);
    }
}
