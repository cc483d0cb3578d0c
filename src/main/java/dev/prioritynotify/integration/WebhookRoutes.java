package dev.prioritynotify.integration;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prioritynotify.auth.Authenticator;
import dev.prioritynotify.auth.Caller;
import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.notification.NewNotification;
import dev.prioritynotify.notification.NotificationView;
import dev.prioritynotify.notification.Priority;
import dev.prioritynotify.token.Scope;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /api/integrations/webhook}: any JSON a tool sends (Uptime Kuma's or GitHub's
 * webhooks, a CI job), turned into a notification by a mapping written in the webhook's URL.
 * Each of {@code title}, {@code message}, {@code url}, {@code tag}, {@code source} and
 * {@code priority} is a template: {@code {/json/pointer}} (RFC 6901) is replaced by the value
 * there, everything else is kept. The priority's text is one of ours or is looked up in
 * {@code priorities} ({@code down:critical,up:low}). The mapping sits in the URL because the
 * sender configures only a URL; the token may sit there too ({@code ?token=}), for senders that
 * cannot set a header.
 */
public final class WebhookRoutes {
    static final String SOURCE = "webhook";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(/[^{}]*)\\}");
    private static final int MAX_TEMPLATE = 2048;

    private final Publisher publisher;
    private final Authenticator auth;
    private final ObjectMapper mapper;

    public WebhookRoutes(Publisher publisher, Authenticator auth, ObjectMapper mapper) {
        this.publisher = publisher;
        this.auth = auth;
        this.mapper = mapper;
    }

    public void register(RoutesConfig routes) {
        routes.post("/api/integrations/webhook", this::receive);
    }

    private void receive(Context ctx) {
        String query = ctx.queryParam("token");
        Caller caller = query != null && !query.isBlank()
                ? auth.requireToken(ctx, query, Scope.PUBLISH)
                : auth.require(ctx, Scope.PUBLISH);
        String titleTemplate = template(ctx, "title")
                .orElseThrow(() -> ApiError.invalid(
                        "title", "is required: a query parameter such as ?title={/monitor/name} (see docs/api.md)"));
        Map<String, Priority> priorities = priorities(ctx);
        JsonNode body = body(ctx);

        Optional<String> message = template(ctx, "message")
                .map(t -> render(body, t))
                .filter(m -> !m.isBlank())
                .map(m -> Fields.message("message", m));
        String title = Fields.nonBlank(render(body, titleTemplate))
                .map(t -> Fields.shortened(t.strip(), NewNotification.MAX_TITLE))
                .or(() -> message.map(m -> Fields.titleFrom(m, "")))
                .filter(t -> !t.isBlank())
                .orElseThrow(
                        () -> ApiError.invalid("title", "'" + titleTemplate + "' gave an empty title for this body"));
        Priority priority = template(ctx, "priority")
                .map(t -> render(body, t).strip())
                .filter(p -> !p.isEmpty())
                .map(p -> priority(p, priorities))
                .orElse(Priority.MEDIUM);
        Optional<String> url = template(ctx, "url")
                .map(t -> render(body, t).strip())
                .filter(u -> !u.isEmpty())
                .map(u -> Fields.url("url", u));
        Optional<String> tag = template(ctx, "tag")
                .map(t -> render(body, t).strip())
                .filter(t -> !t.isEmpty())
                .map(t -> Fields.shortened(t, NewNotification.MAX_TAG));
        String source = template(ctx, "source")
                .map(t -> render(body, t).strip())
                .filter(s -> !s.isEmpty())
                .map(s -> Fields.shortened(s, NewNotification.MAX_SOURCE))
                .orElse(SOURCE);
        ctx.status(201)
                .json(NotificationView.of(publisher.publish(
                        caller.userId(),
                        new NewNotification(
                                title, message, priority, Optional.of(source), url, tag, Optional.empty()))));
    }

    private static Optional<String> template(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        if (value.length() > MAX_TEMPLATE) {
            throw ApiError.invalid(name, "must be at most " + MAX_TEMPLATE + " characters");
        }
        return Optional.of(value);
    }

    /** {@code value:priority} pairs, e.g. {@code 0:critical,1:low}, matched case-insensitively. */
    private static Map<String, Priority> priorities(Context ctx) {
        Map<String, Priority> map = new LinkedHashMap<>();
        Optional<String> raw = template(ctx, "priorities");
        if (raw.isEmpty()) {
            return map;
        }
        for (String pair : raw.get().split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int colon = pair.lastIndexOf(':');
            if (colon <= 0) {
                throw ApiError.invalid(
                        "priorities",
                        "write value:priority pairs, e.g. down:critical,up:low; got '" + pair.strip() + "'");
            }
            String ours = pair.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
            try {
                map.put(pair.substring(0, colon).strip().toLowerCase(Locale.ROOT), Priority.parse(ours));
            } catch (IllegalArgumentException e) {
                throw ApiError.invalid("priorities", "'" + ours + "' is not one of " + Priority.ALLOWED);
            }
        }
        return map;
    }

    private static Priority priority(String value, Map<String, Priority> priorities) {
        String key = value.toLowerCase(Locale.ROOT);
        Priority mapped = priorities.get(key);
        if (mapped != null) {
            return mapped;
        }
        try {
            return Priority.parse(key);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(
                    "priority",
                    "'" + value + "' is neither one of " + Priority.ALLOWED + " nor mapped by ?priorities=");
        }
    }

    private JsonNode body(Context ctx) {
        String text = ctx.body();
        if (text.isBlank()) {
            throw ApiError.malformedBody("empty body");
        }
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw ApiError.malformedBody("at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr());
        }
    }

    /** The template with each {@code {/pointer}} replaced: text as is, other values as JSON, nothing when absent. */
    private String render(JsonNode body, String template) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            // The pattern only matches text starting with '/', which is always a pointer (RFC 6901 §3).
            JsonNode value = body.at(JsonPointer.compile(m.group(1)));
            String text;
            if (value.isMissingNode() || value.isNull()) {
                text = "";
            } else if (value.isValueNode()) {
                text = value.asText();
            } else {
                try {
                    text = mapper.writeValueAsString(value);
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("a parsed JSON value always serialises", e);
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(text));
        }
        m.appendTail(out);
        return out.toString();
    }
}
