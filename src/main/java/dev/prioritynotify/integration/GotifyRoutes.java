package dev.prioritynotify.integration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prioritynotify.auth.Authenticator;
import dev.prioritynotify.auth.Caller;
import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.http.Input;
import dev.prioritynotify.notification.NewNotification;
import dev.prioritynotify.notification.Notification;
import dev.prioritynotify.notification.Priority;
import dev.prioritynotify.token.Scope;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Gotify's {@code POST /message} (https://gotify.net/api-docs), so that what sends to a Gotify
 * server sends here with one of our tokens in place of the application token. Gotify's priorities
 * 0 to 10 map onto ours the way its Android app treats them: up to 3 quiet (low), 4 to 7 with a
 * sound (medium), 8 and 9 popping up (high), 10 and above critical. The answer is Gotify's message
 * shape; its {@code id} is a number, as Gotify clients decode it into one.
 */
public final class GotifyRoutes {
    static final String SOURCE = "gotify";
    static final String KEY_HEADER = "X-Gotify-Key";
    /** What the answer says for a message without a priority: the one our default (medium) maps back from. */
    private static final int DEFAULT_PRIORITY = 5;

    private final Publisher publisher;
    private final Authenticator auth;
    private final Input input;

    public GotifyRoutes(Publisher publisher, Authenticator auth, Input input) {
        this.publisher = publisher;
        this.auth = auth;
        this.input = input;
    }

    public void register(RoutesConfig routes) {
        routes.post("/message", this::create);
    }

    /** Gotify's message as it answers with it; {@code appid} is 0, as this server has no applications. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record GotifyMessage(
            long id,
            long appid,
            String message,
            String title,
            int priority,
            String date,
            @Nullable JsonNode extras) {}

    /** What was sent, read from JSON or a form, as Gotify reads either. */
    private record Sent(
            Optional<String> title,
            Optional<String> message,
            Optional<Integer> priority,
            @Nullable JsonNode extras) {}

    private void create(Context ctx) {
        Caller caller = caller(ctx);
        Sent sent = isForm(ctx) ? fromForm(ctx) : fromJson(input.object(ctx));
        String message =
                Fields.message("message", sent.message().orElseThrow(() -> ApiError.invalid("message", "is required")));
        if (message.isBlank()) {
            throw ApiError.invalid("message", "must not be blank");
        }
        String title = sent.title()
                .filter(t -> !t.isBlank())
                .map(t -> Fields.title("title", t))
                .orElseGet(() -> Fields.titleFrom(message, "Gotify"));
        Optional<String> url = clickUrl(sent.extras());
        Notification n = publisher.publish(
                caller.userId(),
                new NewNotification(
                        title,
                        Optional.of(message),
                        sent.priority().map(GotifyRoutes::priority).orElse(Priority.MEDIUM),
                        Optional.of(SOURCE),
                        url,
                        Optional.empty(),
                        Optional.empty()));
        ctx.json(new GotifyMessage(
                numericId(n),
                0,
                n.message(),
                n.title(),
                sent.priority().orElse(DEFAULT_PRIORITY),
                n.createdAt().toString(),
                sent.extras()));
    }

    /** Gotify's order: its own header, then {@code ?token=}, then {@code Authorization: Bearer} (or our session). */
    private Caller caller(Context ctx) {
        String key = ctx.header(KEY_HEADER);
        if (key != null && !key.isBlank()) {
            return auth.requireToken(ctx, key, Scope.PUBLISH);
        }
        String query = ctx.queryParam("token");
        if (query != null && !query.isBlank()) {
            return auth.requireToken(ctx, query, Scope.PUBLISH);
        }
        return auth.require(ctx, Scope.PUBLISH);
    }

    static Priority priority(int gotify) {
        if (gotify <= 3) {
            return Priority.LOW;
        }
        if (gotify <= 7) {
            return Priority.MEDIUM;
        }
        return gotify <= 9 ? Priority.HIGH : Priority.CRITICAL;
    }

    private static boolean isForm(Context ctx) {
        String type = ctx.contentType();
        if (type == null) {
            return false;
        }
        String t = type.toLowerCase(Locale.ROOT);
        return t.startsWith("application/x-www-form-urlencoded") || t.startsWith("multipart/form-data");
    }

    private static Sent fromForm(Context ctx) {
        Optional<Integer> priority = Optional.ofNullable(ctx.formParam("priority"))
                .filter(p -> !p.isBlank())
                .map(p -> {
                    try {
                        return Integer.parseInt(p.trim());
                    } catch (NumberFormatException e) {
                        throw ApiError.invalid("priority", "must be a whole number (Gotify's 0 to 10)");
                    }
                });
        return new Sent(
                Optional.ofNullable(ctx.formParam("title")),
                Optional.ofNullable(ctx.formParam("message")),
                priority,
                null);
    }

    private static Sent fromJson(ObjectNode body) {
        JsonNode p = body.get("priority");
        Optional<Integer> priority = Optional.empty();
        if (p != null && !p.isNull()) {
            if (!p.isIntegralNumber() || !p.canConvertToInt()) {
                throw ApiError.invalid("priority", "must be a whole number (Gotify's 0 to 10)");
            }
            priority = Optional.of(p.intValue());
        }
        JsonNode extras = body.get("extras");
        if (extras != null && !extras.isNull() && !extras.isObject()) {
            throw ApiError.invalid("extras", "must be an object");
        }
        return new Sent(
                Input.optionalString(body, "title", Integer.MAX_VALUE),
                Input.optionalString(body, "message", Integer.MAX_VALUE),
                priority,
                extras == null || extras.isNull() ? null : extras);
    }

    /** Gotify's click action: {@code extras["client::notification"].click.url} (https://gotify.net/docs/msgextras). */
    private static Optional<String> clickUrl(@Nullable JsonNode extras) {
        if (extras == null) {
            return Optional.empty();
        }
        JsonNode url = extras.path("client::notification").path("click").path("url");
        String field = "extras.client::notification.click.url";
        if (url.isMissingNode() || url.isNull()) {
            return Optional.empty();
        }
        if (!url.isTextual()) {
            throw ApiError.invalid(field, "must be a string");
        }
        return Fields.nonBlank(url.textValue()).map(u -> Fields.url(field, u));
    }

    /**
     * A number for our UUIDv7 id: its 48 bits of milliseconds and the 12 random bits after them,
     * 53 bits in all, so that JavaScript clients read it exactly (until the year 2248).
     */
    static long numericId(Notification n) {
        long high = n.id().getMostSignificantBits();
        return ((high >>> 16) << 12) | (high & 0x0FFFL);
    }
}
