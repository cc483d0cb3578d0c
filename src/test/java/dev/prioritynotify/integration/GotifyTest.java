package dev.prioritynotify.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.support.TestServer.Response;
import dev.prioritynotify.token.Scope;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Gotify's {@code POST /message}, in each of its forms, against both databases. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class GotifyTest {
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

    private Response send(String path, Map<String, String> headers, String contentType, String body) {
        HttpRequest.Builder b = server.request(path, null).header("Content-Type", contentType);
        headers.forEach(b::header);
        return server.send(b.POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private JsonNode latest() {
        return server.get("/api/notifications?limit=1", token)
                .json()
                .get("items")
                .get(0);
    }

    @Test
    void jsonWithTheKeyHeaderAnswersInGotifysShapeAndStoresTheNotification() {
        Response r = send("/message", Map.of("X-Gotify-Key", token), "application/json", """
                {"title":"Backup","message":"nas-01 finished","priority":8,
                 "extras":{"client::notification":{"click":{"url":"https://nas.example/backups"}}}}""");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode stored = latest();
        JsonNode m = r.json();
        assertThat(m.get("id").isIntegralNumber()).isTrue();
        assertThat(m.get("id").asLong()).isLessThan(1L << 53);
        assertThat(r.body())
                .isEqualTo(
                        "{\"id\":" + m.get("id").asLong() + ",\"appid\":0,\"message\":\"nas-01 finished\","
                                + "\"title\":\"Backup\",\"priority\":8,\"date\":\""
                                + stored.get("created_at").asText()
                                + "\",\"extras\":{\"client::notification\":{\"click\":{\"url\":\"https://nas.example/backups\"}}}}");
        assertThat(Instant.parse(m.get("date").asText())).isNotNull();
        assertThat(stored.get("title").asText()).isEqualTo("Backup");
        assertThat(stored.get("message").asText()).isEqualTo("nas-01 finished");
        assertThat(stored.get("priority").asText()).isEqualTo("high");
        assertThat(stored.get("source").asText()).isEqualTo("gotify");
        assertThat(stored.get("url").asText()).isEqualTo("https://nas.example/backups");
    }

    @Test
    void theTokenMayComeAsQueryParameterOrBearerAndAFormBodyWorksToo() {
        Response query = send(
                "/message?token=" + token,
                Map.of(),
                "application/x-www-form-urlencoded",
                "title=From+a+form&message=hello+there&priority=2");
        assertThat(query.status()).as(query.body()).isEqualTo(200);
        assertThat(latest().get("title").asText()).isEqualTo("From a form");
        assertThat(latest().get("priority").asText()).isEqualTo("low");

        Response bearer = send(
                "/message", Map.of("Authorization", "Bearer " + token), "application/json", "{\"message\":\"hi\"}");
        assertThat(bearer.status()).as(bearer.body()).isEqualTo(200);
        assertThat(bearer.json().get("priority").asInt()).isEqualTo(5);
        assertThat(latest().get("priority").asText()).isEqualTo("medium");
        assertThat(latest().get("title").asText())
                .as("no title: the message's first line")
                .isEqualTo("hi");
    }

    @Test
    void gotifyPrioritiesMapOntoOurs() {
        Map<Integer, String> expected = new LinkedHashMap<>();
        expected.put(-1, "low");
        expected.put(0, "low");
        expected.put(3, "low");
        expected.put(4, "medium");
        expected.put(7, "medium");
        expected.put(8, "high");
        expected.put(9, "high");
        expected.put(10, "critical");
        expected.put(15, "critical");
        expected.forEach((gotify, ours) -> {
            Response r = send(
                    "/message",
                    Map.of("X-Gotify-Key", token),
                    "application/json",
                    "{\"message\":\"p" + gotify + "\",\"priority\":" + gotify + "}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("priority").asInt()).isEqualTo(gotify);
            assertThat(latest().get("priority").asText())
                    .as("gotify %d", gotify)
                    .isEqualTo(ours);
        });
    }

    @Test
    void badInputIs4xxNamingTheField() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"title\":\"no message\"}", "message: is required");
        cases.put("{\"message\":\"  \"}", "message: must not be blank");
        cases.put("{\"message\":\"x\",\"priority\":\"high\"}", "priority: must be a whole number");
        cases.put("{\"message\":\"x\",\"priority\":1.5}", "priority: must be a whole number");
        cases.put("{\"message\":\"x\",\"title\":\"" + "t".repeat(257) + "\"}", "title: must be at most 256 characters");
        cases.put("{\"message\":\"x\",\"extras\":[]}", "extras: must be an object");
        cases.put(
                "{\"message\":\"x\",\"extras\":{\"client::notification\":{\"click\":{\"url\":\"javascript:x\"}}}}",
                "extras.client::notification.click.url: must be an http(s) URL");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Response r = send("/message", Map.of("X-Gotify-Key", token), "application/json", c.getKey());
            assertThat(r.status()).as(c.getKey() + " → " + r.body()).isBetween(400, 499);
            assertThat(r.detail()).as(c.getKey()).startsWith(c.getValue());
        }
        Response form = send(
                "/message",
                Map.of("X-Gotify-Key", token),
                "application/x-www-form-urlencoded",
                "message=x&priority=hi");
        assertThat(form.status()).isEqualTo(422);
        assertThat(form.detail()).startsWith("priority:");
        assertThat(server.get("/api/notifications", token).json().get("total").asInt())
                .isZero();
    }

    @Test
    void aWrongOrReadOnlyTokenIsRefusedWhereverItIsPut() {
        String readOnly = server.token(server.user("reader"), Scope.READ);
        assertThat(send("/message", Map.of("X-Gotify-Key", "pn_nope"), "application/json", "{\"message\":\"x\"}")
                        .status())
                .isEqualTo(401);
        assertThat(send("/message?token=pn_nope", Map.of(), "application/json", "{\"message\":\"x\"}")
                        .status())
                .isEqualTo(401);
        assertThat(send("/message", Map.of(), "application/json", "{\"message\":\"x\"}")
                        .status())
                .isEqualTo(401);
        assertThat(send("/message", Map.of("X-Gotify-Key", readOnly), "application/json", "{\"message\":\"x\"}")
                        .status())
                .isEqualTo(403);
        assertThat(send("/message?token=" + readOnly, Map.of(), "application/json", "{\"message\":\"x\"}")
                        .status())
                .isEqualTo(403);
    }
}
