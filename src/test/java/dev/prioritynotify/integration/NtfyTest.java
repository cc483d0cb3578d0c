package dev.prioritynotify.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prioritynotify.app.App;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.support.TestServer.Response;
import dev.prioritynotify.token.Scope;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** ntfy's publish, in each of its forms, against both databases; and that no topic shadows our own paths. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class NtfyTest {
    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestServer server;
    String token;

    @BeforeEach
    void start() {
        server = TestServer.start(dialect, tmp);
        token = server.newUserToken("alice");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Response send(String method, String path, Map<String, String> headers, String body) {
        HttpRequest.Builder b = server.request(path, null);
        headers.forEach(b::header);
        return server.send(b.method(method, HttpRequest.BodyPublishers.ofString(body)));
    }

    private Map<String, String> bearer() {
        return Map.of("Authorization", "Bearer " + token);
    }

    private Map<String, String> bearerAnd(String... headers) {
        Map<String, String> all = new LinkedHashMap<>(bearer());
        for (int i = 0; i < headers.length; i += 2) {
            all.put(headers[i], headers[i + 1]);
        }
        return all;
    }

    private JsonNode latest() {
        return server.get("/api/notifications?limit=1", token)
                .json()
                .get("items")
                .get(0);
    }

    private int total() {
        return server.get("/api/notifications", token).json().get("total").asInt();
    }

    @Test
    void postToATopicWithHeadersAnswersInNtfysShape() {
        Response r = send(
                "POST",
                "/backups",
                bearerAnd(
                        "Title", "Backup failed",
                        "Priority", "urgent",
                        "Tags", "warning, skull",
                        "Click", "https://nas.example/jobs/7"),
                "nas-01: exit 2");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode stored = latest();
        assertThat(r.body())
                .isEqualTo("{\"id\":\"" + stored.get("id").asText() + "\",\"time\":"
                        + java.time.Instant.parse(stored.get("created_at").asText())
                                .getEpochSecond()
                        + ",\"event\":\"message\",\"topic\":\"backups\",\"message\":\"nas-01: exit 2\","
                        + "\"title\":\"Backup failed\",\"priority\":5,\"tags\":[\"warning\",\"skull\"],"
                        + "\"click\":\"https://nas.example/jobs/7\"}");
        assertThat(stored.get("title").asText()).isEqualTo("Backup failed");
        assertThat(stored.get("message").asText()).isEqualTo("nas-01: exit 2");
        assertThat(stored.get("priority").asText()).isEqualTo("critical");
        assertThat(stored.get("source").asText()).isEqualTo("backups");
        assertThat(stored.get("url").asText()).isEqualTo("https://nas.example/jobs/7");
        assertThat(stored.get("metadata").toString()).isEqualTo("{\"tags\":[\"warning\",\"skull\"]}");
    }

    @Test
    void everyAliasAndTheQueryFormsAreRead() {
        List<Map<String, String>> aliases = List.of(
                Map.of("X-Title", "T", "X-Priority", "4", "X-Tags", "a", "X-Click", "https://x.example/"),
                Map.of("t", "T", "p", "high", "ta", "a", "Click", "https://x.example/"),
                Map.of("ti", "T", "prio", "4", "tag", "a", "x-click", "https://x.example/"));
        for (Map<String, String> headers : aliases) {
            Map<String, String> all = new LinkedHashMap<>(bearer());
            all.putAll(headers);
            Response r = send("PUT", "/alias-test", all, "body");
            assertThat(r.status()).as(headers + " → " + r.body()).isEqualTo(200);
            JsonNode n = latest();
            assertThat(n.get("title").asText()
                            + n.get("priority").asText()
                            + n.get("url").asText()
                            + n.get("metadata"))
                    .as(headers.toString())
                    .isEqualTo("Thighhttps://x.example/{\"tags\":[\"a\"]}");
        }
        Response q = send(
                "POST",
                "/q-test?title=From+query&priority=min&tags=x,y&click=https%3A%2F%2Fq.example%2F&message=in+the+query",
                bearer(),
                "");
        assertThat(q.status()).as(q.body()).isEqualTo(200);
        JsonNode n = latest();
        assertThat(n.get("title").asText()).isEqualTo("From query");
        assertThat(n.get("message").asText()).isEqualTo("in the query");
        assertThat(n.get("priority").asText()).isEqualTo("low");
        assertThat(n.get("url").asText()).isEqualTo("https://q.example/");
        assertThat(n.get("metadata").toString()).isEqualTo("{\"tags\":[\"x\",\"y\"]}");
    }

    @Test
    void withoutTitleTheTopicIsTheTitleAndAnEmptyBodyIsTriggered() {
        Response r = send("POST", "/doorbell", bearer(), "");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("\"title\"").doesNotContain("\"priority\"");
        JsonNode n = latest();
        assertThat(n.get("title").asText()).isEqualTo("doorbell");
        assertThat(n.get("message").asText()).isEqualTo("triggered");
        assertThat(n.get("priority").asText()).isEqualTo("medium");
    }

    @Test
    void ntfyPrioritiesMapOntoOurs() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("1", "low");
        expected.put("min", "low");
        expected.put("2", "low");
        expected.put("low", "low");
        expected.put("3", "medium");
        expected.put("default", "medium");
        expected.put("4", "high");
        expected.put("high", "high");
        expected.put("5", "critical");
        expected.put("max", "critical");
        expected.put("urgent", "critical");
        expected.forEach((ntfy, ours) -> {
            assertThat(send("POST", "/prio", bearerAnd("Priority", ntfy), "x").status())
                    .isEqualTo(200);
            assertThat(latest().get("priority").asText()).as(ntfy).isEqualTo(ours);
        });
    }

    @Test
    void theJsonFormTakesTheTopicFromTheBodyAndHeadersFillTheRest() {
        // As apprise sends it: JSON to /, its priority and tags in headers.
        Response r = send(
                "POST",
                "/",
                bearerAnd("Content-Type", "application/json", "X-Priority", "high", "X-Tags", "a,b"),
                "{\"topic\":\"ci\",\"title\":\"Build 42\",\"message\":\"green\",\"click\":\"https://ci.example/42\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("topic").asText()).isEqualTo("ci");
        assertThat(r.json().get("priority").asInt()).isEqualTo(4);
        JsonNode n = latest();
        assertThat(n.get("source").asText()).isEqualTo("ci");
        assertThat(n.get("title").asText()).isEqualTo("Build 42");
        assertThat(n.get("priority").asText()).isEqualTo("high");
        assertThat(n.get("url").asText()).isEqualTo("https://ci.example/42");

        Response full = send(
                "POST",
                "/",
                bearer(),
                "{\"topic\":\"ci\",\"message\":\"red\",\"priority\":5,\"tags\":[\"rotating_light\"]}");
        assertThat(full.status()).as(full.body()).isEqualTo(200);
        assertThat(latest().get("priority").asText()).isEqualTo("critical");
        assertThat(latest().get("metadata").toString()).isEqualTo("{\"tags\":[\"rotating_light\"]}");
    }

    @Test
    void theTokenMayComeAsBasicPasswordBasicUserOrTheAuthQueryParameter() {
        Base64.Encoder b64 = Base64.getEncoder();
        List<Map<String, String>> headers = List.of(
                Map.of("Authorization", "Basic " + b64.encodeToString((":" + token).getBytes(StandardCharsets.UTF_8))),
                Map.of(
                        "Authorization",
                        "Basic " + b64.encodeToString(("apprise:" + token).getBytes(StandardCharsets.UTF_8))),
                // apprise's ntfy://TOKEN@host/topic: requests sends the missing password as "None".
                Map.of(
                        "Authorization",
                        "Basic " + b64.encodeToString((token + ":None").getBytes(StandardCharsets.UTF_8))));
        int sent = 0;
        for (Map<String, String> h : headers) {
            Response r = send("POST", "/auth-test", h, "x");
            assertThat(r.status()).as(h + " → " + r.body()).isEqualTo(200);
            sent++;
        }
        String bearerParam = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("Bearer " + token).getBytes(StandardCharsets.UTF_8));
        assertThat(send("POST", "/auth-test?auth=" + bearerParam, Map.of(), "x").status())
                .isEqualTo(200);
        String basicParam = Base64.getEncoder()
                .encodeToString(("Basic " + b64.encodeToString((":" + token).getBytes(StandardCharsets.UTF_8)))
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(send(
                                "POST",
                                "/auth-test?auth=" + java.net.URLEncoder.encode(basicParam, StandardCharsets.UTF_8),
                                Map.of(),
                                "x")
                        .status())
                .isEqualTo(200);
        assertThat(total()).isEqualTo(sent + 2);

        String readOnly = server.token(server.user("reader"), Scope.READ);
        assertThat(send("POST", "/auth-test", Map.of(), "x").status()).isEqualTo(401);
        assertThat(send("POST", "/auth-test", Map.of("Authorization", "Bearer pn_nope"), "x")
                        .status())
                .isEqualTo(401);
        assertThat(send("POST", "/auth-test?auth=%25%25", Map.of(), "x").status())
                .isEqualTo(401);
        assertThat(send("POST", "/auth-test", Map.of("Authorization", "Bearer " + readOnly), "x")
                        .status())
                .isEqualTo(403);
        assertThat(send(
                                "POST",
                                "/auth-test",
                                Map.of(
                                        "Authorization",
                                        "Basic "
                                                + b64.encodeToString(
                                                        (":" + readOnly).getBytes(StandardCharsets.UTF_8))),
                                "x")
                        .status())
                .isEqualTo(403);
    }

    @Test
    void badInputIs4xxNamingTheField() {
        Map<String, Map.Entry<String, String>> cases = new LinkedHashMap<>();
        cases.put("priority", Map.entry("Priority", "6"));
        cases.put("click", Map.entry("Click", "javascript:alert(1)"));
        cases.put("title", Map.entry("Title", "t".repeat(257)));
        for (Map.Entry<String, Map.Entry<String, String>> c : cases.entrySet()) {
            Response r = send(
                    "POST",
                    "/bad",
                    bearerAnd(c.getValue().getKey(), c.getValue().getValue()),
                    "x");
            assertThat(r.status()).as(c.getKey() + " → " + r.body()).isEqualTo(422);
            assertThat(r.detail()).startsWith(c.getKey() + ":");
        }
        HttpRequest.Builder binary = server.request("/bad", token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, (byte) 0xfe, 0}));
        Response r = server.send(binary);
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.detail()).startsWith("body: must be UTF-8 text");
        Map<String, String> json = new LinkedHashMap<>();
        json.put("{\"message\":\"x\"}", "topic: is required");
        json.put("{\"topic\":\"a b\"}", "topic: must be 1 to 64 letters");
        json.put("{\"topic\":\"settings\"}", "topic: 'settings' is one of this server's own paths");
        json.put("{\"topic\":\"t\",\"priority\":9}", "priority: must be a whole number from 1 to 5");
        json.put("{\"topic\":\"t\",\"tags\":\"a\"}", "tags: must be an array of strings");
        json.put("{\"topic\":\"t\",\"tags\":[1]}", "tags[0]: must be a string");
        for (Map.Entry<String, String> c : json.entrySet()) {
            Response jr = send("POST", "/", bearerAnd("Content-Type", "application/json"), c.getKey());
            assertThat(jr.status()).as(c.getKey() + " → " + jr.body()).isEqualTo(422);
            assertThat(jr.detail()).as(c.getKey()).startsWith(c.getValue());
        }
        assertThat(total()).isZero();
    }

    /** The first path segment of every route that is not ntfy's own: none of them may become a topic. */
    private Set<String> ourNames() {
        Set<String> names = new TreeSet<>();
        for (App.Route route : server.app().routes()) {
            String first = route.path().replaceFirst("^/+", "").split("/", 2)[0];
            if (!first.isEmpty() && !first.startsWith("{") && !first.startsWith("<")) {
                names.add(first);
            }
        }
        return names;
    }

    @Test
    void noneOfOurPathsIsTakenAsATopic() {
        Set<String> names = ourNames();
        assertThat(names)
                .contains(
                        "api",
                        "settings",
                        "tokens",
                        "notifications",
                        "admin",
                        "login",
                        "auth",
                        "static",
                        "healthz",
                        "readyz",
                        "metrics",
                        "message",
                        "sw.js",
                        "manifest.webmanifest");
        SoftAssertions soft = new SoftAssertions();
        for (String name : names) {
            for (String method : List.of("POST", "PUT")) {
                Response r = send(method, "/" + name, bearer(), "not a notification");
                soft.assertThat(r.body())
                        .as(method + " /" + name + " → " + r.status())
                        .doesNotContain("\"event\":\"message\"");
            }
            Response json = send("POST", "/", bearer(), "{\"topic\":\"" + name + "\",\"message\":\"x\"}");
            soft.assertThat(json.status()).as("JSON topic " + name).isEqualTo(422);
        }
        soft.assertAll();
        // Some of those POSTs are real routes (login, a Gotify message) and may create; none as a topic.
        assertThat(server.get("/api/notifications?limit=200", token).json().get("items"))
                .extracting(n -> n.get("source").asText())
                .doesNotContainAnyElementsOf(names);
        Response reserved = send("POST", "/settings", bearer(), "x");
        assertThat(reserved.status()).isEqualTo(404);
        assertThat(reserved.detail())
                .isEqualTo("Endpoint POST /settings not found (an ntfy topic is 1 to 64 letters, digits, - or _,"
                        + " and never one of this server's own paths)");
        Response unknown = send("POST", "/no/such/route", bearer(), "x");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.detail())
                .as("what an unknown path gets anyway")
                .startsWith("Endpoint POST /no/such/route not found");
    }

    @Test
    void everyPageTheServerServesStillAnswersAsItself() {
        SoftAssertions soft = new SoftAssertions();
        for (App.Route route : server.app().routes()) {
            if (!route.method().equals("GET")
                    || route.path().contains("{")
                    || route.path().contains("<")) {
                continue;
            }
            Response r = server.get(route.path(), null);
            String row = "GET " + route.path() + " → " + r.status() + ": " + r.body();
            soft.assertThat(r.status()).as(row).isNotIn(405, 500);
            soft.assertThat(r.body()).as(row).doesNotContain("\"event\":\"message\"");
            if (r.status() == 404) {
                // Only a page of ours that says so itself (the OIDC routes without a provider), never the router's
                // miss.
                soft.assertThat(r.body()).as(row).contains("<html");
            }
        }
        soft.assertAll();
        assertThat(server.get("/healthz", null).status()).isEqualTo(200);
        assertThat(server.get("/sw.js", null).body()).contains("self.addEventListener");
        assertThat(server.get("/", null).status())
                .as("the dashboard sends a stranger to sign in")
                .isIn(302, 303);
        assertThat(server.get("/static/app.css", null).status()).isEqualTo(200);
    }
}
