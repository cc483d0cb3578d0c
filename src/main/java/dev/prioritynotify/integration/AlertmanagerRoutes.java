package dev.prioritynotify.integration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prioritynotify.auth.Authenticator;
import dev.prioritynotify.auth.Caller;
import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.http.Input;
import dev.prioritynotify.notification.NewNotification;
import dev.prioritynotify.notification.NotificationView;
import dev.prioritynotify.token.Scope;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code POST /api/integrations/alertmanager}: Alertmanager's webhook (payload version 4, see
 * https://prometheus.io/docs/alerting/latest/configuration/#webhook_config), one notification per
 * alert. The alert's fingerprint becomes the tag, so its resolved notification replaces the firing
 * one on a device (the service worker's {@code tag}) and at the push service while undelivered
 * (the {@code Topic} header, RFC 8030 §5.4). The resolved one keeps the firing one's priority: a
 * device that only takes high pushes must get the all-clear for the alert it was woken for.
 */
public final class AlertmanagerRoutes {
    static final String SOURCE = "alertmanager";
    static final String RESOLVED = "[RESOLVED] ";
    /** Alertmanager's fingerprints are 16 hex digits; {@code alertmanager-} and those fit a push Topic (32). */
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9A-Za-z]{1,19}");

    private static final int MAX_LABEL = 1024;
    private static final int MAX_ANNOTATION = NewNotification.MAX_MESSAGE_BYTES;

    private final Publisher publisher;
    private final Authenticator auth;
    private final Input input;
    private final ObjectMapper mapper;
    private final AlertPriorities priorities;

    public AlertmanagerRoutes(
            Publisher publisher, Authenticator auth, Input input, ObjectMapper mapper, AlertPriorities priorities) {
        this.publisher = publisher;
        this.auth = auth;
        this.input = input;
        this.mapper = mapper;
        this.priorities = priorities;
    }

    public void register(RoutesConfig routes) {
        routes.post("/api/integrations/alertmanager", this::receive);
    }

    /** What one alert of the payload says, read and checked before anything is created. */
    private record Alert(
            String status,
            Map<String, String> labels,
            Map<String, String> annotations,
            Optional<String> fingerprint,
            Optional<String> generatorUrl,
            Optional<String> startsAt,
            Optional<String> endsAt) {}

    private void receive(Context ctx) {
        Caller caller = auth.require(ctx, Scope.PUBLISH);
        ObjectNode body = input.object(ctx);
        JsonNode alerts = body.get("alerts");
        if (alerts == null || !alerts.isArray()) {
            throw ApiError.invalid("alerts", "is required: an array (Alertmanager's webhook payload, version 4)");
        }
        // Every alert is checked before the first is created: a bad payload creates nothing.
        List<Alert> parsed = new ArrayList<>(alerts.size());
        for (int i = 0; i < alerts.size(); i++) {
            parsed.add(alert(alerts.get(i), "alerts[" + i + "]"));
        }
        Optional<String> receiver = Input.optionalString(body, "receiver", MAX_LABEL);
        List<NotificationView> created = new ArrayList<>(parsed.size());
        for (Alert alert : parsed) {
            created.add(NotificationView.of(publisher.publish(caller.userId(), notification(alert, receiver))));
        }
        ctx.status(201).json(Map.of("created", created.size(), "items", created));
    }

    private static Alert alert(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw ApiError.invalid(path, "must be an object");
        }
        ObjectNode a = (ObjectNode) node;
        String status = Input.requiredString(a, "status", path + ".status", 16);
        if (!status.equals("firing") && !status.equals("resolved")) {
            throw ApiError.invalid(path + ".status", "must be firing or resolved");
        }
        Map<String, String> labels = strings(a, "labels", path + ".labels", MAX_LABEL)
                .orElseThrow(() -> ApiError.invalid(path + ".labels", "is required"));
        Map<String, String> annotations =
                strings(a, "annotations", path + ".annotations", MAX_ANNOTATION).orElse(Map.of());
        Optional<String> fingerprint =
                optionalString(a, "fingerprint", path, 128).filter(f -> !f.isBlank());
        // Alertmanager sends "" when the alert's source gave no URL.
        Optional<String> generatorUrl = optionalString(a, "generatorURL", path, NewNotification.MAX_URL)
                .filter(u -> !u.isBlank())
                .map(u -> Fields.url(path + ".generatorURL", u));
        return new Alert(
                status,
                labels,
                annotations,
                fingerprint,
                generatorUrl,
                optionalString(a, "startsAt", path, 64),
                optionalString(a, "endsAt", path, 64));
    }

    /** A string field of the alert at {@code path}, named with it in errors ({@code alerts[2].fingerprint}). */
    private static Optional<String> optionalString(ObjectNode alert, String field, String path, int max) {
        return alert.hasNonNull(field)
                ? Optional.of(Input.requiredString(alert, field, path + "." + field, max))
                : Optional.empty();
    }

    /** An object whose every value is a string (labels, annotations), in key order. */
    private static Optional<Map<String, String>> strings(ObjectNode parent, String field, String path, int max) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isObject()) {
            throw ApiError.invalid(path, "must be an object of strings");
        }
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            if (!e.getValue().isTextual()) {
                throw ApiError.invalid(path + "." + e.getKey(), "must be a string");
            }
            String text = e.getValue().textValue();
            if (text.length() > max) {
                throw ApiError.invalid(path + "." + e.getKey(), "must be at most " + max + " characters");
            }
            out.put(e.getKey(), text);
        }
        return Optional.of(out);
    }

    private NewNotification notification(Alert alert, Optional<String> receiver) {
        Optional<String> summary = Fields.nonBlank(alert.annotations().get("summary"));
        String name = Fields.nonBlank(alert.labels().get("alertname")).orElse("alert");
        String title = (alert.status().equals("resolved") ? RESOLVED : "") + summary.orElse(name);
        Optional<String> message = Fields.nonBlank(alert.annotations().get("description"))
                .or(() -> Fields.nonBlank(alert.annotations().get("message")))
                .or(() -> Optional.of(labelLine(alert.labels())).filter(s -> !s.isEmpty()))
                .map(Fields::shortenedMessage);
        return new NewNotification(
                Fields.shortened(title, NewNotification.MAX_TITLE),
                message,
                priorities.forSeverity(alert.labels().get("severity")),
                Optional.of(SOURCE),
                alert.generatorUrl(),
                Optional.of(tag(alert)),
                metadata(alert, receiver));
    }

    /** The labels that say which alert this is, for an alert without a description. */
    private static String labelLine(Map<String, String> labels) {
        StringBuilder line = new StringBuilder();
        labels.forEach((k, v) -> {
            if (!k.equals("alertname")) {
                line.append(line.isEmpty() ? "" : ", ").append(k).append('=').append(v);
            }
        });
        return line.toString();
    }

    /**
     * The same alert has the same tag, firing or resolved: Alertmanager's fingerprint, or when it
     * sends none (or an unusual one) a hash of it or of the labels, which is what a fingerprint is.
     */
    static String tag(Alert alert) {
        String fingerprint = alert.fingerprint().orElse("");
        if (FINGERPRINT.matcher(fingerprint).matches()) {
            return "alertmanager-" + fingerprint;
        }
        String identity = fingerprint.isEmpty() ? String.valueOf(alert.labels()) : fingerprint;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return "alertmanager-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** The alert as Alertmanager described it, for readers that want the labels; left out when over the limit. */
    private Optional<String> metadata(Alert alert, Optional<String> receiver) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("status", alert.status());
        m.put("labels", alert.labels());
        m.put("annotations", alert.annotations());
        alert.fingerprint().ifPresent(f -> m.put("fingerprint", f));
        alert.startsAt().ifPresent(t -> m.put("startsAt", t));
        alert.endsAt().ifPresent(t -> m.put("endsAt", t));
        receiver.ifPresent(r -> m.put("receiver", r));
        for (Map<String, Object> candidate : List.of(m, Map.of("status", alert.status(), "labels", alert.labels()))) {
            try {
                String json = mapper.writeValueAsString(candidate);
                if (json.getBytes(StandardCharsets.UTF_8).length <= NewNotification.MAX_METADATA_BYTES) {
                    return Optional.of(json);
                }
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("strings and maps of strings always serialise", e);
            }
        }
        return Optional.empty();
    }
}
