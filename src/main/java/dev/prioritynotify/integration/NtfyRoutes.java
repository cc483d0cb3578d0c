package dev.prioritynotify.integration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prioritynotify.auth.Authenticator;
import dev.prioritynotify.auth.Caller;
import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.http.Input;
import dev.prioritynotify.notification.NewNotification;
import dev.prioritynotify.notification.Notification;
import dev.prioritynotify.notification.Priority;
import dev.prioritynotify.token.Scope;
import dev.prioritynotify.token.TokenService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * ntfy's publish (https://docs.ntfy.sh/publish/): {@code POST}/{@code PUT /<topic>} with the body
 * as the message and the rest in headers or query parameters, and the JSON form {@code POST /}.
 * The topic is the notification's source (and its title when none is given, as ntfy's apps show
 * it); no subscriber is involved: the notification goes to the token's owner like any other.
 *
 * <p>A topic is one path segment at the server's root, where our own pages live: a name that is
 * the first segment of any route registered before these ({@code settings}, {@code api},
 * {@code login}...) is never taken as a topic, so a mistyped method on one of our paths is a 404
 * and not a notification. {@code App} hands the names over when it registers these routes last.
 */
public final class NtfyRoutes {
    /** ntfy's own topic syntax (server/server.go: {@code topicRegex}). */
    private static final Pattern TOPIC = Pattern.compile("[-_A-Za-z0-9]{1,64}");

    /** ntfy's parameter names: each is read as a header, then as a query parameter (its {@code readParam}). */
    private static final List<String> TITLE = List.of("x-title", "title", "ti", "t");

    private static final List<String> MESSAGE = List.of("x-message", "message", "m");
    private static final List<String> PRIORITY = List.of("x-priority", "priority", "prio", "p");
    private static final List<String> TAGS = List.of("x-tags", "tags", "tag", "ta");
    private static final List<String> CLICK = List.of("x-click", "click");
    /** ntfy's message for a publish with no body ({@code curl -d "" ntfy.sh/topic}). */
    private static final String TRIGGERED = "triggered";

    private static final String PRIORITIES = "1 to 5, or min, low, default, high, max, urgent";

    private final Publisher publisher;
    private final Authenticator auth;
    private final Input input;
    private final ObjectMapper mapper;

    public NtfyRoutes(Publisher publisher, Authenticator auth, Input input, ObjectMapper mapper) {
        this.publisher = publisher;
        this.auth = auth;
        this.input = input;
        this.mapper = mapper;
    }

    /**
     * Registers ntfy's routes; call it after every other route.
     *
     * @param ourNames the first path segment of every route registered before, which no topic may take
     */
    public void register(RoutesConfig routes, Set<String> ourNames) {
        Set<String> reserved =
                ourNames.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        routes.post("/", ctx -> publishJson(ctx, reserved));
        routes.post("/{topic}", ctx -> publish(ctx, reserved));
        routes.put("/{topic}", ctx -> publish(ctx, reserved));
    }

    /** ntfy's answer: the message as its subscribers would receive it (fields left out when not set, as ntfy does). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record NtfyMessage(
            String id,
            long time,
            String event,
            String topic,
            String message,
            @Nullable String title,
            @Nullable Integer priority,
            @Nullable List<String> tags,
            @Nullable String click) {}

    /** What was sent, whichever of ntfy's forms it came in. */
    private record Sent(
            String topic,
            String message,
            Optional<String> title,
            Optional<Integer> priority,
            List<String> tags,
            Optional<String> click) {}

    private void publish(Context ctx, Set<String> reserved) {
        String topic = ctx.pathParam("topic");
        if (!TOPIC.matcher(topic).matches() || reserved.contains(topic.toLowerCase(Locale.ROOT))) {
            // Not a topic, and none of our routes answers this method here: the 404 any unknown path gets.
            throw new NotFoundResponse("Endpoint " + ctx.method().name() + " " + ctx.path()
                    + " not found (an ntfy topic is 1 to 64 letters, digits, - or _,"
                    + " and never one of this server's own paths)");
        }
        Caller caller = caller(ctx);
        String message = param(ctx, MESSAGE).orElseGet(() -> text(ctx.bodyAsBytes()));
        respond(
                ctx,
                caller,
                new Sent(
                        topic,
                        message.isEmpty() ? TRIGGERED : message,
                        param(ctx, TITLE),
                        param(ctx, PRIORITY).map(NtfyRoutes::priority),
                        param(ctx, TAGS).map(NtfyRoutes::tags).orElse(List.of()),
                        param(ctx, CLICK)));
    }

    /** The JSON form: {@code {"topic", "message", "title", "priority", "tags", "click"}}; headers fill what it leaves out, as in ntfy. */
    private void publishJson(Context ctx, Set<String> reserved) {
        Caller caller = caller(ctx);
        ObjectNode body = input.object(ctx);
        String topic = Input.requiredString(body, "topic", 64);
        if (!TOPIC.matcher(topic).matches()) {
            throw ApiError.invalid("topic", "must be 1 to 64 letters, digits, - or _ (ntfy's topic names)");
        }
        if (reserved.contains(topic.toLowerCase(Locale.ROOT))) {
            throw ApiError.invalid("topic", "'" + topic + "' is one of this server's own paths; choose another name");
        }
        JsonNode p = body.get("priority");
        Optional<Integer> priority;
        if (p == null || p.isNull() || (p.isIntegralNumber() && p.intValue() == 0)) {
            priority = param(ctx, PRIORITY).map(NtfyRoutes::priority);
        } else if (p.isIntegralNumber() && p.canConvertToInt() && p.intValue() >= 1 && p.intValue() <= 5) {
            priority = Optional.of(p.intValue());
        } else {
            throw ApiError.invalid("priority", "must be a whole number from 1 to 5");
        }
        JsonNode t = body.get("tags");
        List<String> tags;
        if (t == null || t.isNull()) {
            tags = param(ctx, TAGS).map(NtfyRoutes::tags).orElse(List.of());
        } else if (t.isArray()) {
            tags = new ArrayList<>();
            for (int i = 0; i < t.size(); i++) {
                if (!t.get(i).isTextual()) {
                    throw ApiError.invalid("tags[" + i + "]", "must be a string");
                }
                tags.add(t.get(i).textValue());
            }
        } else {
            throw ApiError.invalid("tags", "must be an array of strings");
        }
        String message = Input.optionalString(body, "message", Integer.MAX_VALUE)
                .filter(m -> !m.isEmpty())
                .or(() -> param(ctx, MESSAGE))
                .orElse(TRIGGERED);
        respond(
                ctx,
                caller,
                new Sent(
                        topic,
                        message,
                        Input.optionalString(body, "title", Integer.MAX_VALUE)
                                .filter(v -> !v.isEmpty())
                                .or(() -> param(ctx, TITLE)),
                        priority,
                        tags,
                        Input.optionalString(body, "click", Integer.MAX_VALUE)
                                .filter(v -> !v.isEmpty())
                                .or(() -> param(ctx, CLICK))));
    }

    private void respond(Context ctx, Caller caller, Sent sent) {
        String message = Fields.message("message", sent.message());
        String title = sent.title().map(v -> Fields.title("title", v)).orElse(sent.topic());
        Optional<String> click = sent.click().map(u -> Fields.url("click", u));
        Notification n = publisher.publish(
                caller.userId(),
                new NewNotification(
                        title,
                        Optional.of(message),
                        sent.priority().map(NtfyRoutes::ours).orElse(Priority.MEDIUM),
                        Optional.of(sent.topic()),
                        click,
                        Optional.empty(),
                        metadata(sent.tags())));
        ctx.json(new NtfyMessage(
                n.id().toString(),
                n.createdAt().getEpochSecond(),
                "message",
                sent.topic(),
                message,
                sent.title().orElse(null),
                sent.priority().orElse(null),
                sent.tags().isEmpty() ? null : sent.tags(),
                click.orElse(null)));
    }

    /** ntfy's tags are kept as the notification's metadata, {@code {"tags": [...]}}. */
    private Optional<String> metadata(List<String> tags) {
        if (tags.isEmpty()) {
            return Optional.empty();
        }
        try {
            String json = mapper.writeValueAsString(Map.of("tags", tags));
            if (json.getBytes(StandardCharsets.UTF_8).length > NewNotification.MAX_METADATA_BYTES) {
                throw ApiError.invalid("tags", "must be at most " + NewNotification.MAX_METADATA_BYTES / 1024 + " KiB");
            }
            return Optional.of(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings always serialises", e);
        }
    }

    /**
     * The token, wherever an ntfy client puts it: {@code ?auth=} (the base64 of an Authorization
     * value, for clients that cannot set headers), {@code Authorization: Basic} with the token as
     * the password (or as the user name, which is where apprise's {@code ntfy://TOKEN@host/topic}
     * puts it), else {@code Authorization: Bearer} or our session as on every route.
     */
    private Caller caller(Context ctx) {
        String query = ctx.queryParam("auth");
        String header = query != null && !query.isBlank() ? fromAuthParam(query) : ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return auth.requireToken(ctx, fromBasic(header.substring(6).trim()), Scope.PUBLISH);
        }
        if (query != null && !query.isBlank()) {
            if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw ApiError.unauthenticated("auth: must be the base64 of 'Bearer <token>' or 'Basic <credentials>'");
            }
            return auth.requireToken(ctx, header.substring(7), Scope.PUBLISH);
        }
        return auth.require(ctx, Scope.PUBLISH);
    }

    private static String fromAuthParam(String encoded) {
        try {
            String value = encoded.trim().replace('+', '-').replace('/', '_').replace("=", "");
            return new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.unauthenticated("auth: must be base64 (of 'Bearer <token>' or 'Basic <credentials>')");
        }
    }

    private static String fromBasic(String encoded) {
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.unauthenticated("Authorization: Basic credentials must be base64 of user:password");
        }
        int colon = pair.indexOf(':');
        String user = colon < 0 ? pair : pair.substring(0, colon);
        String password = colon < 0 ? "" : pair.substring(colon + 1);
        boolean userIsTheToken = user.startsWith(TokenService.PREFIX) && !password.startsWith(TokenService.PREFIX);
        return userIsTheToken || password.isEmpty() ? user : password;
    }

    /** The first of the names set as a header, else as a query parameter, as ntfy reads its parameters. */
    private static Optional<String> param(Context ctx, List<String> names) {
        for (String name : names) {
            String value = ctx.header(name);
            if (value != null && !value.isBlank()) {
                return Optional.of(value.trim());
            }
        }
        for (String name : names) {
            String value = ctx.queryParam(name);
            if (value != null && !value.isBlank()) {
                return Optional.of(value.trim());
            }
        }
        return Optional.empty();
    }

    /** ntfy's priority names and numbers, as its number (1 to 5). */
    static int priority(String raw) {
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "1", "min" -> 1;
            case "2", "low" -> 2;
            case "3", "default" -> 3;
            case "4", "high" -> 4;
            case "5", "max", "urgent" -> 5;
            default -> throw ApiError.invalid("priority", "must be " + PRIORITIES + ", got '" + raw + "'");
        };
    }

    /** ntfy's five levels onto our four: min and low are both low, max (urgent) is critical. */
    static Priority ours(int ntfy) {
        return switch (ntfy) {
            case 1, 2 -> Priority.LOW;
            case 4 -> Priority.HIGH;
            case 5 -> Priority.CRITICAL;
            default -> Priority.MEDIUM;
        };
    }

    private static List<String> tags(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /** The body as the message: text only, as attachments (ntfy's other use of a body) are not kept here. */
    private static String text(byte[] body) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ApiError.invalid("body", "must be UTF-8 text (attachments are not supported)");
        }
    }
}
