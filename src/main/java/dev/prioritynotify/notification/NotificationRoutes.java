package dev.prioritynotify.notification;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prioritynotify.auth.Authenticator;
import dev.prioritynotify.auth.Caller;
import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.http.Input;
import dev.prioritynotify.token.Scope;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/** {@code /api/notifications/...}: create, list, get, change status, delete. */
public final class NotificationRoutes {

    private final NotificationService service;
    private final Authenticator auth;
    private final Input input;
    private final Supplier<List<UUID>> everyone;

    /** @param everyone every user's id, for broadcasts */
    public NotificationRoutes(
            NotificationService service, Authenticator auth, Input input, Supplier<List<UUID>> everyone) {
        this.service = service;
        this.auth = auth;
        this.input = input;
        this.everyone = everyone;
    }

    public void register(RoutesConfig routes) {
        routes.post("/api/notifications", this::create);
        routes.post("/api/notifications/broadcast", this::broadcast);
        routes.get("/api/notifications", this::list);
        routes.get("/api/notifications/{id}", this::get);
        routes.patch("/api/notifications/{id}", this::patch);
        routes.delete("/api/notifications/{id}", this::delete);
    }

    private void create(Context ctx) {
        Caller caller = auth.requireToWrite(ctx, Scope.PUBLISH);
        NewNotification n = parseNew(ctx);
        Notification created;
        try {
            created = service.create(caller.userId(), n, caller.tokenToConfirm());
        } catch (NotificationService.TokenRevoked e) {
            throw Authenticator.revoked(ctx);
        }
        ctx.status(201).json(NotificationView.of(created));
    }

    /**
     * One notification per user, each with its own event and pushes committed with it, so a
     * broadcast is exactly as durable as a single notification.
     */
    private void broadcast(Context ctx) {
        auth.requireAdmin(ctx, Scope.PUBLISH);
        NewNotification n = parseNew(ctx);
        ctx.status(201).json(Map.of("created", service.createForEach(everyone.get(), n)));
    }

    NewNotification parseNew(Context ctx) {
        ObjectNode body = input.object(ctx);
        String title = Input.requiredString(body, "title", NewNotification.MAX_TITLE);
        if (title.isBlank()) {
            throw ApiError.invalid("title", "must not be blank");
        }
        Optional<String> message = Input.optionalString(body, "message", Integer.MAX_VALUE);
        if (message.isPresent()
                && message.get().getBytes(StandardCharsets.UTF_8).length > NewNotification.MAX_MESSAGE_BYTES) {
            throw ApiError.invalid("message", "must be at most 64 KiB");
        }
        Priority priority = Input.optionalEnum(body, "priority", Priority::parse, Priority.ALLOWED)
                .orElse(Priority.MEDIUM);
        Optional<String> url = Input.optionalString(body, "url", NewNotification.MAX_URL);
        url.ifPresent(NotificationRoutes::checkUrl);
        return new NewNotification(
                title,
                message,
                priority,
                Input.optionalString(body, "source", NewNotification.MAX_SOURCE),
                url,
                Input.optionalString(body, "tag", NewNotification.MAX_TAG),
                input.optionalObject(body, "metadata", NewNotification.MAX_METADATA_BYTES));
    }

    private static void checkUrl(String url) {
        if (!NewNotification.isAllowedUrl(url)) {
            throw ApiError.invalid("url", "must be an http(s) URL or a path starting with /");
        }
    }

    private void list(Context ctx) {
        Caller caller = auth.require(ctx, Scope.READ);
        NotificationFilter filter = new NotificationFilter(
                Input.queryInstant(ctx, "since"),
                Input.queryEnum(ctx, "status", Status::parse, Status.ALLOWED),
                Input.queryEnum(ctx, "priority", Priority::parse, Priority.ALLOWED),
                Input.queryEnum(ctx, "min_priority", Priority::parse, Priority.ALLOWED),
                Input.queryString(ctx, "source", NewNotification.MAX_SOURCE),
                Input.queryInt(ctx, "limit", NotificationFilter.DEFAULT_LIMIT, 1, NotificationFilter.MAX_LIMIT),
                Input.queryInt(ctx, "offset", 0, 0, Integer.MAX_VALUE));
        Page<Notification> page = service.list(caller.userId(), filter);
        ctx.json(new Page<>(
                page.items().stream().map(NotificationView::of).toList(), page.total(), page.limit(), page.offset()));
    }

    private void get(Context ctx) {
        Caller caller = auth.require(ctx, Scope.READ);
        UUID id = Input.pathUuid(ctx, "id");
        ctx.json(NotificationView.of(
                service.find(caller.userId(), id).orElseThrow(() -> ApiError.notFound("notification"))));
    }

    private void patch(Context ctx) {
        Caller caller = auth.require(ctx, Scope.READ);
        UUID id = Input.pathUuid(ctx, "id");
        ObjectNode body = input.object(ctx);
        Status status = Input.optionalEnum(body, "status", Status::parse, Status.ALLOWED)
                .orElseThrow(() -> ApiError.invalid("status", "is required"));
        Notification updated =
                service.updateStatus(caller.userId(), id, status).orElseThrow(() -> ApiError.notFound("notification"));
        ctx.json(NotificationView.of(updated));
    }

    private void delete(Context ctx) {
        Caller caller = auth.require(ctx, Scope.READ);
        UUID id = Input.pathUuid(ctx, "id");
        if (!service.delete(caller.userId(), id)) {
            throw ApiError.notFound("notification");
        }
        ctx.status(204);
    }
}
