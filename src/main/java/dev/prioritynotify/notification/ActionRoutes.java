package dev.prioritynotify.notification;

import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.http.Input;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST /api/notifications/{id}/actions/read}: "Mark as read" tapped on a pushed
 * notification. The service worker that sends it has no session or token of ours to show, only
 * the {@link ActionTokens capability} the push carried: that is the whole authorisation. So there
 * is no CSRF check either — another site that made a browser send this would need the token, which
 * only the encrypted push held — and the request is same-origin (the service worker's), so no CORS.
 */
public final class ActionRoutes {
    private static final int MAX_TOKEN = 128;
    private static final String REFUSED = "token: not valid for reading this notification";

    private final NotificationService service;
    private final ActionTokens tokens;
    private final Input input;

    public ActionRoutes(NotificationService service, ActionTokens tokens, Input input) {
        this.service = service;
        this.tokens = tokens;
        this.input = input;
    }

    public void register(RoutesConfig routes) {
        routes.post("/api/notifications/{id}/actions/read", this::read);
    }

    private void read(Context ctx) {
        UUID id = Input.pathUuid(ctx, "id");
        String token = Input.requiredString(input.object(ctx), "token", MAX_TOKEN);
        // The token names no user: it is checked against the notification's owner, so a token
        // issued for anyone else, or for another notification, does not match. A notification that
        // is not there gets the same answer, so the route tells nobody which ids exist.
        Optional<Notification> found = service.findByIds(List.of(id)).stream().findFirst();
        if (found.isEmpty()) {
            throw ApiError.forbidden(REFUSED);
        }
        Notification n = found.get();
        switch (tokens.check(token, n.userId(), n.id(), ActionTokens.Action.READ)) {
            case VALID -> {}
            case EXPIRED -> throw ApiError.forbidden("token: expired; open the notification in the app instead");
            case INVALID -> throw ApiError.forbidden(REFUSED);
        }
        // Only an unread one becomes read: tapping again, or after it was archived on another
        // device, changes nothing and still succeeds (the service worker has nothing to retry).
        if (n.status() == Status.UNREAD) {
            service.updateStatus(n.userId(), n.id(), Status.READ);
        }
        ctx.status(204);
    }
}
