package dev.prioritynotify.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prioritynotify.auth.Authenticator;
import dev.prioritynotify.auth.Caller;
import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.http.Input;
import dev.prioritynotify.http.RateLimiter;
import dev.prioritynotify.notification.Notification;
import dev.prioritynotify.notification.Priority;
import dev.prioritynotify.notification.Status;
import dev.prioritynotify.push.subscription.EndpointPolicy;
import dev.prioritynotify.push.subscription.NewSubscription;
import dev.prioritynotify.push.subscription.PushSubscription;
import dev.prioritynotify.push.subscription.Upserted;
import dev.prioritynotify.store.Ids;
import dev.prioritynotify.token.Scope;
import dev.prioritynotify.webpush.InvalidSubscriptionKeyException;
import dev.prioritynotify.webpush.SubscriptionKeys;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code /api/push/...}: the VAPID public key, subscribe (upsert on endpoint), unsubscribe, the
 * caller's devices, and a test push. The seed's {@code /api/v1/push/...} paths are aliases.
 */
public final class PushRoutes {
    private static final int MAX_KEY_FIELD = 256;
    private static final int MAX_DEVICE_NAME = 100;
    private static final int MAX_USER_AGENT = 512;

    private final WebPush push;
    private final EndpointPolicy policy;
    private final Authenticator auth;
    private final Input input;
    private final RateLimiter perUser;
    private final RateLimiter perAddress;
    private final Ids ids;
    private final InstantSource clock;

    /** @param perUser, perAddress the subscribe rate limits ({@code PUSH_SUBSCRIBE_LIMIT_*}) */
    public PushRoutes(
            WebPush push,
            EndpointPolicy policy,
            Authenticator auth,
            Input input,
            RateLimiter perUser,
            RateLimiter perAddress,
            Ids ids,
            InstantSource clock) {
        this.push = push;
        this.policy = policy;
        this.auth = auth;
        this.input = input;
        this.perUser = perUser;
        this.perAddress = perAddress;
        this.ids = ids;
        this.clock = clock;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/push/vapid-key", this::vapidKey);
        routes.get("/api/v1/push/vapid-public-key", this::vapidKey);
        routes.post("/api/push/subscribe", this::subscribe);
        routes.post("/api/v1/push/subscribe", this::subscribe);
        routes.delete("/api/push/unsubscribe", this::unsubscribe);
        routes.delete("/api/push/subscribe", this::unsubscribe);
        routes.delete("/api/v1/push/subscribe", this::unsubscribe);
        routes.delete("/api/v1/push/unsubscribe", this::unsubscribe);
        routes.get("/api/push/subscriptions", this::list);
        routes.get("/api/v1/push/subscriptions", this::list);
        routes.post("/api/push/test", this::test);
        routes.get("/api/notifications/{id}/deliveries", this::deliveries);
    }

    private void deliveries(Context ctx) {
        Caller caller = auth.require(ctx, Scope.READ);
        UUID id = Input.pathUuid(ctx, "id");
        var views = push.deliveries(caller.userId(), id).orElseThrow(() -> ApiError.notFound("notification"));
        ctx.json(Map.of("items", views, "total", views.size()));
    }

    private void vapidKey(Context ctx) {
        String key = push.publicKey().orElseThrow(this::disabled);
        ctx.json(Map.of("publicKey", key));
    }

    private void subscribe(Context ctx) {
        Caller caller = auth.require(ctx, Scope.READ);
        long wait = Math.max(perUser.acquire(caller.userId().toString()), perAddress.acquire(ctx.ip()));
        if (wait > 0) {
            throw ApiError.rateLimited(wait);
        }
        ObjectNode body = input.object(ctx);
        String endpoint = Input.requiredString(body, "endpoint", EndpointPolicy.MAX_LENGTH);
        policy.check(endpoint);
        JsonNode keys = body.get("keys");
        if (keys == null || keys.isNull()) {
            throw ApiError.invalid("keys", "is required");
        }
        if (!keys.isObject()) {
            throw ApiError.invalid("keys", "must be an object with p256dh and auth");
        }
        String p256dh = Input.requiredString((ObjectNode) keys, "p256dh", SubscriptionKeys.P256DH_FIELD, MAX_KEY_FIELD);
        String authSecret = Input.requiredString((ObjectNode) keys, "auth", SubscriptionKeys.AUTH_FIELD, MAX_KEY_FIELD);
        SubscriptionKeys parsed;
        try {
            parsed = SubscriptionKeys.parse(p256dh, authSecret);
        } catch (InvalidSubscriptionKeyException e) {
            throw ApiError.invalid(e.field(), e.getMessage().substring(e.field().length() + 2));
        }
        Optional<String> deviceName = Input.optionalString(body, "device_name", MAX_DEVICE_NAME);
        Priority minPriority = Input.optionalEnum(body, "min_priority", Priority::parse, Priority.ALLOWED)
                .orElse(Priority.LOW);
        String userAgent = ctx.header("User-Agent");
        if (userAgent != null && userAgent.length() > MAX_USER_AGENT) {
            userAgent = userAgent.substring(0, MAX_USER_AGENT);
        }
        Upserted result = push.subscribe(
                caller.userId(),
                new NewSubscription(endpoint, parsed, userAgent, deviceName.orElse(null), minPriority));
        ctx.status(result.created() ? 201 : 200).json(SubscriptionView.of(result.subscription()));
    }

    /** By {@code {"endpoint"}} in the body, {@code ?endpoint=}, or {@code ?id=}; only ever the caller's own. */
    private void unsubscribe(Context ctx) {
        Caller caller = auth.require(ctx, Scope.READ);
        String id = ctx.queryParam("id");
        boolean removed;
        if (id != null && !id.isBlank()) {
            UUID uuid;
            try {
                uuid = UUID.fromString(id.trim());
            } catch (IllegalArgumentException e) {
                throw ApiError.invalid("id", "must be a UUID");
            }
            removed = push.unsubscribeById(caller.userId(), uuid);
        } else {
            String endpoint = ctx.queryParam("endpoint");
            if (endpoint == null || endpoint.isBlank()) {
                endpoint = ctx.body().isBlank()
                        ? null
                        : Input.requiredString(input.object(ctx), "endpoint", EndpointPolicy.MAX_LENGTH);
            }
            if (endpoint == null) {
                throw ApiError.invalid("endpoint", "is required (in the body, or ?endpoint= or ?id=)");
            }
            removed = push.unsubscribeByEndpoint(caller.userId(), endpoint);
        }
        if (!removed) {
            throw ApiError.notFound("subscription");
        }
        ctx.status(204);
    }

    private void list(Context ctx) {
        Caller caller = auth.require(ctx, Scope.READ);
        boolean all = "true".equalsIgnoreCase(ctx.queryParam("all"));
        List<PushSubscription> found;
        if (all) {
            if (!auth.isAdmin(caller)) {
                throw ApiError.forbidden("all: only administrators may list every user's subscriptions");
            }
            found = push.allDevices();
        } else {
            found = push.devices(caller.userId());
        }
        ctx.json(Map.of("items", found.stream().map(SubscriptionView::of).toList(), "total", found.size()));
    }

    private void test(Context ctx) {
        Caller caller = auth.require(ctx, Scope.READ);
        if (!push.enabled()) {
            throw disabled();
        }
        Notification probe = new Notification(
                ids.next(),
                caller.userId(),
                "Test notification",
                "Push notifications work on this device.",
                Priority.HIGH,
                Status.UNREAD,
                "priority-notify",
                "/",
                null,
                null,
                clock.instant(),
                null);
        ctx.json(Map.of("results", push.sendTest(probe)));
    }

    private ApiError disabled() {
        return ApiError.unavailable(
                "push: disabled on this server: " + push.unavailableReason().orElse("see the server log"));
    }
}
