package dev.prioritynotify.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.prioritynotify.push.TestPushService;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.SseClient;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.support.TestServer.Response;
import dev.prioritynotify.token.Scope;
import dev.prioritynotify.user.User;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API description (src/main/resources/openapi.json, served at {@code /api/openapi.json}, copied
 * to docs/openapi.json) against the real server: the copy is the same file, every route under
 * {@code /api} and the operator's routes are documented, every documented route is registered, and
 * what the server is sent and answers for a sample of calls fits the document's schemas (JSON
 * Schema 2020-12, as OpenAPI 3.1 uses), errors included.
 */
class OpenApiTest {
    private static final ObjectMapper JSON = TestServer.mapper();
    private static final String PASSWORD = "a long enough password";
    /** Outside {@code /api}, the routes a script or a monitor calls: these are documented too. */
    private static final Set<String> OPERATOR_ROUTES = Set.of("/healthz", "/readyz", "/metrics");

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    @TempDir
    Path tmp;

    TestServer server;
    TestPushService pushService;
    JsonNode document;
    String adminToken;
    String adminCookie;
    String adminCsrf;
    final SoftAssertions soft = new SoftAssertions();
    final List<String> checked = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server =
                TestServer.start(Dialect.SQLITE, tmp, TestPushService.serverSettings(Map.of()), InstantSource.system());
        pushService = TestPushService.start(
                server.get("/api/push/vapid-key", null).json().get("publicKey").asText());
        try (InputStream in = OpenApiTest.class.getResourceAsStream("/openapi.json")) {
            document = JSON.readTree(in);
        }
        User admin = server.app().services().accounts().create("admin", true, Optional.of(PASSWORD.toCharArray()));
        adminToken = server.token(admin);
        adminCookie = signIn("admin");
        adminCsrf = server.send(server.request("/api/me", null)
                        .header("Cookie", adminCookie)
                        .GET())
                .json()
                .get("csrf_token")
                .asText();
    }

    @AfterEach
    void stop() {
        pushService.close();
        server.close();
    }

    @Test
    void theDocumentInDocsIsTheOneTheServerServes() throws IOException {
        byte[] resource;
        try (InputStream in = OpenApiTest.class.getResourceAsStream("/openapi.json")) {
            resource = in.readAllBytes();
        }
        assertThat(Files.readAllBytes(Path.of("docs", "openapi.json")))
                .as("docs/openapi.json is a copy of src/main/resources/openapi.json: copy it again")
                .isEqualTo(resource);
        Response served = server.get("/api/openapi.json", null);
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.raw().headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(served.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(resource);
        assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
    }

    @Test
    void everyApiRouteIsDocumentedAndEveryDocumentedRouteIsRegistered() {
        Set<String> registered = server.app().routes().stream()
                .filter(r -> !r.method().equals("HEAD"))
                .map(App.Route::toString)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> mustBeDocumented = server.app().routes().stream()
                .filter(r -> !r.method().equals("HEAD"))
                .filter(r -> r.path().startsWith("/api/") || OPERATOR_ROUTES.contains(r.path()))
                .map(App.Route::toString)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> documented = new TreeSet<>();
        document.get("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    if (METHODS.contains(op.getKey())) {
                        documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
                    }
                }));

        assertThat(documented)
                .as("routes under /api (and %s) missing from src/main/resources/openapi.json", OPERATOR_ROUTES)
                .containsAll(mustBeDocumented);
        assertThat(registered)
                .as("routes in src/main/resources/openapi.json the server does not register")
                .containsAll(documented);
    }

    @Test
    void everyReferenceResolvesAndEveryOperationIsNamedOnce() {
        List<String> refs = new ArrayList<>();
        collectRefs(document, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/");
            assertThat(document.at(ref.substring(1)).isMissingNode())
                    .as("%s resolves", ref)
                    .isFalse();
        }
        List<String> ids = new ArrayList<>();
        document.get("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    if (METHODS.contains(op.getKey())) {
                        ids.add(op.getValue().get("operationId").asText());
                        assertThat(op.getValue().has("security"))
                                .as("%s %s says who may call it", op.getKey(), path.getKey())
                                .isTrue();
                    }
                }));
        assertThat(ids).doesNotHaveDuplicates().doesNotContain("");
    }

    @Test
    void theSchemasAreStrictEnoughToCatchADrift() {
        JsonNode sent = server.publish(adminToken, "strict");
        assertThat(violations("/components/schemas/Notification", sent)).isEmpty();
        ObjectNode extra = sent.deepCopy();
        extra.put("user_id", UUID.randomUUID().toString());
        assertThat(violations("/components/schemas/Notification", extra))
                .as("an answer with a field the document does not name")
                .isNotEmpty();
        ObjectNode wrongValue = sent.deepCopy();
        wrongValue.put("priority", "urgent");
        assertThat(violations("/components/schemas/Notification", wrongValue)).isNotEmpty();
        ObjectNode missing = sent.deepCopy();
        missing.remove("read_at");
        assertThat(violations("/components/schemas/Notification", missing)).isNotEmpty();
    }

    @Test
    void whatTheServerIsSentAndAnswersFitsTheDocument() throws Exception {
        // Notifications, with a token.
        String created = call(
                        "POST",
                        "/api/notifications",
                        "/api/notifications/",
                        adminToken,
                        "{\"title\":\"Disk full\",\"priority\":\"critical\",\"source\":\"monitoring\","
                                + "\"metadata\":{\"host\":\"web-01\"}}",
                        201)
                .json()
                .get("id")
                .asText();
        call(
                "POST",
                "/api/notifications",
                "/api/notifications",
                adminToken,
                "{\"title\":\"Backup done\",\"message\":\"in 3 min\",\"url\":\"/x\",\"tag\":\"backup\"}",
                201);
        call("GET", "/api/notifications", "/api/notifications?limit=1&min_priority=low", adminToken, null, 200);
        String n = "/api/notifications/" + created;
        call("GET", "/api/notifications/{id}", n, adminToken, null, 200);
        call("PATCH", "/api/notifications/{id}", n, adminToken, "{\"status\":\"read\"}", 200);
        call(
                "POST",
                "/api/notifications/broadcast",
                "/api/notifications/broadcast",
                adminToken,
                "{\"title\":\"all\"}",
                201);
        call("GET", "/api/notifications/{id}/deliveries", n + "/deliveries", adminToken, null, 200);
        call(
                "POST",
                "/api/notifications/{id}/actions/read",
                n + "/actions/read",
                null,
                "{\"token\":\"" + "A".repeat(54) + "\"}",
                403);

        // Errors: each the documented Problem of its status.
        call("GET", "/api/notifications", "/api/notifications", null, null, 401);
        call("GET", "/api/notifications", "/api/notifications", "pn_unknown", null, 401);
        call("POST", "/api/notifications", "/api/notifications", adminToken, "{\"title\":", 400);
        call("GET", "/api/notifications", "/api/notifications?limit=0", adminToken, null, 422);
        call("GET", "/api/notifications/{id}", "/api/notifications/" + UUID.randomUUID(), adminToken, null, 404);
        call("GET", "/api/notifications/{id}", "/api/notifications/not-a-uuid", adminToken, null, 422);
        call("GET", "/api/tokens", "/api/tokens", adminToken, null, 403);
        call("GET", "/api/notifications/stream", "/api/notifications/stream?last_event_id=x", adminToken, null, 422);
        Response refused = send(
                "POST",
                "/api/notifications",
                server.request("/api/notifications", null)
                        .header("Cookie", adminCookie)
                        .header("Origin", origin())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"no csrf token\"}")),
                null);
        soft.assertThat(refused.status())
                .as("a cookie request without its CSRF token")
                .isEqualTo(403);
        // The request is not a valid create either: the body fits, the credential does not.
        String bad = "{\"title\":\"\"}";
        soft.assertThat(violations(requestSchema("/api/notifications", "post"), JSON.readTree(bad)))
                .as("an empty title is outside the documented request")
                .isNotEmpty();
        call("POST", "/api/notifications", "/api/notifications", adminToken, bad, 422);

        // Who the caller is, with a token and with a session.
        call("GET", "/api/me", "/api/me", adminToken, null, 200);
        Response me = session("GET", "/api/me", "/api/me", null, 200);
        soft.assertThat(me.json().has("csrf_token")).isTrue();

        // Tokens, by a signed-in browser.
        Response issued = session(
                "POST",
                "/api/tokens",
                "/api/tokens",
                "{\"name\":\"phone\",\"device_type\":\"android\",\"scopes\":[\"read\"],\"expires_in\":\"90d\"}",
                201);
        session("POST", "/api/tokens", "/api/tokens", "{\"name\":\"script\",\"scopes\":\"publish,read\"}", 201);
        String tokenPath = "/api/tokens/" + issued.json().get("id").asText();
        session("GET", "/api/tokens", "/api/tokens", null, 200);
        session("GET", "/api/tokens/{id}/qr", tokenPath + "/qr", null, 200);
        session("DELETE", "/api/tokens/{id}", tokenPath, null, 204);
        session("DELETE", "/api/tokens/{id}", tokenPath, null, 404);
        session("POST", "/api/tokens", "/api/tokens", "{\"name\":\"x\",\"device_type\":\"fridge\"}", 422);
        session(
                "POST",
                "/api/me/password",
                "/api/me/password",
                "{\"current_password\":\"" + PASSWORD + "\",\"new_password\":\"" + PASSWORD + "\"}",
                204);

        // Administration.
        session("GET", "/api/admin/users", "/api/admin/users", null, 200);
        String carol = session("POST", "/api/admin/users", "/api/admin/users", "{\"username\":\"carol\"}", 201)
                .json()
                .at("/user/id")
                .asText();
        session("POST", "/api/admin/users", "/api/admin/users", "{\"username\":\"carol\"}", 409);
        String carolPath = "/api/admin/users/" + carol;
        session("PATCH", "/api/admin/users/{id}", carolPath, "{\"is_admin\":true}", 200);
        session("POST", "/api/admin/users/{id}/password", carolPath + "/password", "{}", 200);
        session(
                "POST",
                "/api/admin/users/{id}/password",
                carolPath + "/password",
                "{\"password\":\"" + PASSWORD + "\"}",
                204);
        session("DELETE", "/api/admin/users/{id}", carolPath, null, 204);
        session("DELETE", "/api/admin/users/{id}", carolPath, null, 404);

        // Web Push: the key, a device, its list, a test push, its removal.
        call("GET", "/api/push/vapid-key", "/api/push/vapid-key", null, null, 200);
        call("GET", "/api/v1/push/vapid-public-key", "/api/v1/push/vapid-public-key", null, null, 200);
        TestPushService.Device device = pushService.device();
        String subscription = device.subscriptionJson()
                .replaceFirst("\\}$", ",\"device_name\":\"Pixel 8\",\"min_priority\":\"high\"}");
        String deviceId = call("POST", "/api/push/subscribe", "/api/push/subscribe", adminToken, subscription, 201)
                .json()
                .get("id")
                .asText();
        call("POST", "/api/v1/push/subscribe", "/api/v1/push/subscribe", adminToken, subscription, 200);
        call(
                "POST",
                "/api/push/subscribe",
                "/api/push/subscribe",
                adminToken,
                subscription.replace("\"endpoint\":\"http://", "\"endpoint\":\"ftp://"),
                422);
        call("GET", "/api/push/subscriptions", "/api/push/subscriptions", adminToken, null, 200);
        call("GET", "/api/v1/push/subscriptions", "/api/v1/push/subscriptions", adminToken, null, 200);
        String unknownDevice = "{\"endpoint\":\"" + pushService.device().endpoint() + "\"}";
        for (String alias : List.of("/api/push/subscribe", "/api/v1/push/subscribe", "/api/v1/push/unsubscribe")) {
            call("DELETE", alias, alias, adminToken, unknownDevice, 404);
            call("DELETE", alias, alias, adminToken, null, 422);
        }
        call("GET", "/api/push/subscriptions", "/api/push/subscriptions?all=true", adminToken, null, 200);
        String pushed = call(
                        "POST",
                        "/api/notifications",
                        "/api/notifications",
                        adminToken,
                        "{\"title\":\"to the phone\",\"priority\":\"high\"}",
                        201)
                .json()
                .get("id")
                .asText();
        call(
                "GET",
                "/api/notifications/{id}/deliveries",
                "/api/notifications/" + pushed + "/deliveries",
                adminToken,
                null,
                200);
        call("POST", "/api/push/test", "/api/push/test", adminToken, null, 200);
        call("DELETE", "/api/push/unsubscribe", "/api/push/unsubscribe?id=" + deviceId, adminToken, null, 204);
        call(
                "DELETE",
                "/api/push/unsubscribe",
                "/api/push/unsubscribe?endpoint=" + URLEncoder.encode(device.endpoint(), StandardCharsets.UTF_8),
                adminToken,
                null,
                404);

        // The integrations, with the request shapes their own tests send.
        String alert = """
                {"status":"firing","labels":{"alertname":"DiskFull","instance":"web-01:9100","severity":"critical"},
                 "annotations":{"summary":"Disk full on web-01","description":"/ is 95% full"},
                 "startsAt":"2026-12-04T10:00:00Z","endsAt":"0001-01-01T00:00:00Z",
                 "generatorURL":"http://prometheus:9090/graph?g0.expr=disk","fingerprint":"6e5f3b8a9c0d1e2f"}""";
        // A second alert, resolved (its own fingerprint, so its own tag).
        String resolved = alert.replace("\"firing\"", "\"resolved\"").replace("6e5f", "7e5f");
        String alertmanager = """
                {"receiver":"priority-notify","status":"firing","alerts":[%s,%s],
                 "groupLabels":{"alertname":"DiskFull"},"commonLabels":{"alertname":"DiskFull","severity":"critical"},
                 "commonAnnotations":{},"externalURL":"http://alertmanager:9093","version":"4",
                 "groupKey":"{}:{alertname=\\"DiskFull\\"}","truncatedAlerts":0}""".formatted(alert, resolved);
        String am = "/api/integrations/alertmanager";
        Response alerts = call("POST", am, am, adminToken, alertmanager, 201);
        soft.assertThat(alerts.json().get("created").asInt()).isEqualTo(2);
        session("POST", am, am, "{\"alerts\":[]}", 201);
        call("POST", am, am, adminToken, "{\"alerts\":[{\"status\":\"pending\",\"labels\":{}}]}", 422);
        call("POST", am, am, adminToken, "{\"alerts\":", 400);
        call("POST", am, am, null, alertmanager, 401);

        String kuma = """
                {"heartbeat":{"monitorID":3,"status":0,"time":"2026-12-04 18:00:00.123","msg":"timeout of 48000ms exceeded",
                  "important":true,"duration":60},
                 "monitor":{"id":3,"name":"web-01","url":"https://web-01.example/","type":"http","interval":60},
                 "msg":"[web-01] [Down] timeout of 48000ms exceeded"}""";
        String hook = "/api/integrations/webhook";
        String mapping = hook + "?title=" + encoded("{/monitor/name} is {/heartbeat/status}") + "&message="
                + encoded("{/msg}") + "&url=" + encoded("{/monitor/url}") + "&priority="
                + encoded("{/heartbeat/status}") + "&priorities=" + encoded("0:critical,1:low") + "&tag="
                + encoded("kuma-{/monitor/id}") + "&source=uptime-kuma";
        call("POST", hook, mapping, adminToken, kuma, 201);
        String publishOnly =
                server.token(server.app().services().accounts().create("kuma", false, Optional.empty()), Scope.PUBLISH);
        call("POST", hook, mapping + "&token=" + publishOnly, null, "[1,2]", 201);
        call("POST", hook, hook + "?message=x", adminToken, kuma, 422);
        call("POST", hook, mapping, adminToken, "not json", 400);

        // Gotify's and ntfy's publish, as their clients send it.
        raw(
                "POST",
                "/message",
                "/message",
                Map.of("X-Gotify-Key", adminToken),
                "application/json",
                "{\"title\":\"Backup\",\"message\":\"nas-01 finished\",\"priority\":8,"
                        + "\"extras\":{\"client::notification\":{\"click\":{\"url\":\"https://nas.example/\"}}}}",
                200);
        raw(
                "POST",
                "/message",
                "/message?token=" + adminToken,
                Map.of(),
                "application/x-www-form-urlencoded",
                "title=From+a+form&message=hello+there&priority=2",
                200);
        call("POST", "/message", "/message", adminToken, "{\"message\":\"hi\"}", 200);
        call("POST", "/message", "/message", adminToken, "{\"title\":\"no message\"}", 422);
        call("POST", "/message", "/message", null, "{\"message\":\"hi\"}", 401);
        Map<String, String> ntfyHeaders = Map.of(
                "Title",
                "Backup failed",
                "Priority",
                "urgent",
                "Tags",
                "warning, skull",
                "Click",
                "https://nas.example/");
        for (String method : List.of("POST", "PUT")) {
            raw(method, "/{topic}", "/backups", bearer(ntfyHeaders), "text/plain", "nas-01: exit 2", 200);
            raw(method, "/{topic}", "/doorbell", bearer(Map.of()), "text/plain", "", 200);
            raw(method, "/{topic}", "/settings", bearer(Map.of()), "text/plain", "x", 404);
            raw(method, "/{topic}", "/prio", bearer(Map.of("Priority", "6")), "text/plain", "x", 422);
        }
        raw("POST", "/{topic}", "/backups", Map.of(), "text/plain", "x", 401);
        call(
                "POST",
                "/",
                "/",
                adminToken,
                "{\"topic\":\"backups\",\"message\":\"nas-01: exit 2\",\"title\":\"Backup failed\","
                        + "\"priority\":4,\"tags\":[\"warning\"],\"click\":\"https://nas.example/\"}",
                200);
        call("POST", "/", "/", adminToken, "{\"topic\":\"backups\"}", 200);
        call("POST", "/", "/", adminToken, "{\"topic\":\"settings\",\"message\":\"x\"}", 422);

        // The operator's routes.
        call("GET", "/healthz", "/healthz", null, null, 200);
        call("GET", "/readyz", "/readyz", null, null, 200);
        call("GET", "/metrics", "/metrics", null, null, 200);
        call("GET", "/api/openapi.json", "/api/openapi.json", null, null, 200);

        call("DELETE", "/api/notifications/{id}", n, adminToken, null, 204);

        soft.assertAll();
        assertThat(checked).hasSizeGreaterThan(80);
    }

    @Test
    void theStreamSendsTheDocumentedEvents() throws Exception {
        String id = server.publish(adminToken, "streamed").get("id").asText();
        server.patch("/api/notifications/" + id, adminToken, "{\"status\":\"read\"}");
        server.delete("/api/notifications/" + id, adminToken);
        JsonNode documented = document.at("/paths/~1api~1notifications~1stream/get/responses/200/content");
        assertThat(documented.has("text/event-stream")).isTrue();
        // Each event's data schema, as the document names it (x-events: OpenAPI 3.1 has no word for SSE).
        JsonNode events = documented.at("/text~1event-stream/x-events");
        assertThat(events.properties())
                .extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("notification", "status_change", "deleted", "reset");
        Map<String, String> eventSchemas = new java.util.HashMap<>();
        events.properties()
                .forEach(e ->
                        eventSchemas.put(e.getKey(), e.getValue().get("$ref").asText()));

        try (SseClient stream = SseClient.connect(server.uri("/api/notifications/stream"), adminToken, "0")) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.header("Content-Type")).startsWith("text/event-stream");
            for (String expected : List.of("notification", "status_change", "deleted")) {
                SseClient.Frame frame = stream.next(10_000);
                assertThat(frame).as("the replayed %s event", expected).isNotNull();
                assertThat(frame.event()).isEqualTo(expected);
                assertThat(violations(eventSchemas.get(frame.event()).substring(1), JSON.readTree(frame.data())))
                        .as("%s event %s", frame.event(), frame.data())
                        .isEmpty();
            }
        }
        try (SseClient stream = SseClient.connect(server.uri("/api/notifications/stream"), adminToken, "999")) {
            SseClient.Frame frame = stream.next(10_000);
            assertThat(frame).isNotNull();
            assertThat(frame.event()).isEqualTo("reset");
            assertThat(violations(eventSchemas.get("reset").substring(1), JSON.readTree(frame.data())))
                    .isEmpty();
        }
    }

    /** A call with a bearer token (or none), checked against the operation {@code method template}. */
    private Response call(String method, String template, String path, String token, String body, int status) {
        HttpRequest.Builder b = server.request(path, token);
        return checked(method, template, b, body, status);
    }

    /** A call from the signed-in administrator's browser: cookie, this server's Origin and the CSRF token. */
    private Response session(String method, String template, String path, String body, int status) {
        HttpRequest.Builder b = server.request(path, null)
                .header("Cookie", adminCookie)
                .header("Origin", origin())
                .header("X-CSRF-Token", adminCsrf);
        return checked(method, template, b, body, status);
    }

    /** A call with these headers and this Content-Type, as a client of another server's format sends it. */
    private Response raw(
            String method,
            String template,
            String path,
            Map<String, String> headers,
            String contentType,
            String body,
            int status) {
        HttpRequest.Builder b = server.request(path, null).header("Content-Type", contentType);
        headers.forEach(b::header);
        Response r = send(method, template, b.method(method, HttpRequest.BodyPublishers.ofString(body)), body);
        soft.assertThat(r.status()).as("%s %s: %s", method, path, r.body()).isEqualTo(status);
        return r;
    }

    private Map<String, String> bearer(Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(headers);
        all.put("Authorization", "Bearer " + adminToken);
        return all;
    }

    private static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private Response checked(String method, String template, HttpRequest.Builder b, String body, int status) {
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        Response r = send(
                method,
                template,
                b.method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)),
                body);
        soft.assertThat(r.status()).as("%s %s: %s", method, template, r.body()).isEqualTo(status);
        return r;
    }

    /**
     * Sends the request and checks both ways: a body that the server takes (2xx) fits the documented
     * request schema, and the answer is a documented status whose media type and schema it fits.
     */
    private Response send(String method, String template, HttpRequest.Builder request, String body) {
        Response r = server.send(request);
        String what = method + " " + template + " " + r.status();
        checked.add(what);
        String op = "/paths/" + escape(template) + "/" + method.toLowerCase(Locale.ROOT);
        if (document.at(op).isMissingNode()) {
            soft.fail("%s is not documented", method + " " + template);
            return r;
        }
        if (body != null && r.status() / 100 == 2) {
            String type = request.copy()
                    .build()
                    .headers()
                    .firstValue("Content-Type")
                    .orElse("application/json")
                    .replaceFirst(";.*", "")
                    .strip();
            String media = op + "/requestBody/content/" + escape(type);
            if (document.at(media).isMissingNode()) {
                soft.fail("%s: a request body of type %s is not documented", what, type);
            } else {
                soft.assertThat(violations(media + "/schema", requestValue(type, media + "/schema", body)))
                        .as("%s: the request body %s fits the documented request", what, body)
                        .isEmpty();
            }
        }
        JsonNode response = resolve(document.at(op + "/responses/" + r.status()));
        if (response.isMissingNode()) {
            soft.fail("%s: status %d is not documented (%s)", method + " " + template, r.status(), r.body());
            return r;
        }
        JsonNode content = response.path("content");
        if (content.isMissingNode()) {
            soft.assertThat(r.body()).as("%s has no body", what).isEmpty();
            return r;
        }
        String mediaType = r.raw()
                .headers()
                .firstValue("Content-Type")
                .orElse("")
                .replaceFirst(";.*", "")
                .strip();
        soft.assertThat(content.has(mediaType))
                .as("%s answers %s, documented as %s", what, mediaType, content.toString())
                .isTrue();
        if (mediaType.equals("application/json") && content.has(mediaType)) {
            String pointer = op + "/responses/" + r.status() + "/content/application~1json/schema";
            if (document.at(op + "/responses/" + r.status()).has("$ref")) {
                pointer = document.at(op + "/responses/" + r.status() + "/$ref")
                                .asText()
                                .substring(1)
                        + "/content/application~1json/schema";
            }
            soft.assertThat(violations(pointer, readTree(r.body())))
                    .as("%s: the answer %s fits the documented schema", what, r.body())
                    .isEmpty();
        }
        return r;
    }

    /**
     * The body as the value its documented schema describes: JSON as parsed, text as a string, a form
     * as an object of its fields, each a number where the schema's property is one (as OpenAPI
     * serialises an object's properties into a form).
     */
    private JsonNode requestValue(String type, String schemaPointer, String body) {
        if (type.equals("application/json")) {
            return readTree(body);
        }
        if (!type.equals("application/x-www-form-urlencoded")) {
            return JSON.getNodeFactory().textNode(body);
        }
        JsonNode properties = resolve(document.at(schemaPointer)).path("properties");
        ObjectNode form = JSON.createObjectNode();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            String name = URLDecoder.decode(kv[0], StandardCharsets.UTF_8);
            String value = kv.length < 2 ? "" : URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
            if (properties.path(name).path("type").toString().contains("integer") && value.matches("-?\\d+")) {
                form.put(name, Long.parseLong(value));
            } else {
                form.put(name, value);
            }
        }
        return form;
    }

    private String requestSchema(String template, String method) {
        return "/paths/" + escape(template) + "/" + method + "/requestBody/content/application~1json/schema";
    }

    /** Where {@code value} breaks the schema at {@code pointer} of the document (whose own $refs resolve within it). */
    private List<String> violations(String pointer, JsonNode value) {
        assertThat(document.at(pointer).isMissingNode())
                .as("%s is in the document", pointer)
                .isFalse();
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", SpecificationVersion.DRAFT_2020_12.getDialectId());
        root.put("$ref", "#" + pointer);
        root.set("paths", document.get("paths"));
        root.set("components", document.get("components"));
        Schema schema = SCHEMAS.getSchema(SchemaLocation.of("https://priority-notify.test/openapi.json"), root);
        return schema.validate(value).stream().map(Error::toString).toList();
    }

    private JsonNode resolve(JsonNode node) {
        return node.has("$ref") ? document.at(node.get("$ref").asText().substring(1)) : node;
    }

    private static void collectRefs(JsonNode node, List<String> into) {
        if (node.isObject()) {
            if (node.has("$ref")) {
                into.add(node.get("$ref").asText());
            }
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                collectRefs(it.next(), into);
            }
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, into));
        }
    }

    private static String escape(String path) {
        return path.replace("~", "~0").replace("/", "~1");
    }

    private static JsonNode readTree(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private String origin() {
        return "http://127.0.0.1:" + server.app().port();
    }

    private String signIn(String username) {
        String form = "username=" + username + "&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
        Response r = server.send(server.request("/login", null)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", origin())
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        assertThat(r.status()).as(r.body()).isEqualTo(303);
        String setCookie = r.raw().headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }
}
