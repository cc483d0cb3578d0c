package dev.prioritynotify.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.MutableClock;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.support.TestServer.Response;
import dev.prioritynotify.user.User;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad input gets a 4xx whose detail names the field; nothing is stored, nothing answers 500. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class BadInputTest {
    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestServer server;
    MutableClock clock = MutableClock.atNow();
    User alice;
    String token;

    @BeforeEach
    void start() {
        server = TestServer.start(dialect, tmp, Map.of("MAX_REQUEST_SIZE", "128KiB"), clock);
        alice = server.user("alice");
        token = server.token(alice);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void assertRefused(Response r, int status, String detailStart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.detail()).startsWith(detailStart);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at dev.");
        assertThat(server.get("/api/notifications/", token).json().get("total").asLong())
                .as("nothing stored")
                .isZero();
    }

    private Response create(String body) {
        return server.post("/api/notifications/", token, body);
    }

    @Test
    void malformedJsonIs400() {
        assertRefused(create("{\"title\": "), 400, "body: malformed JSON");
    }

    @Test
    void emptyBodyIs400() {
        assertRefused(create(""), 400, "body: malformed JSON");
    }

    @Test
    void bodyThatIsNotAnObjectIs422() {
        assertRefused(create("[1,2]"), 422, "body: must be a JSON object");
    }

    @Test
    void missingTitleIs422() {
        assertRefused(create("{\"message\":\"no title\"}"), 422, "title: is required");
    }

    @Test
    void blankTitleIs422() {
        assertRefused(create("{\"title\":\"   \"}"), 422, "title: must not be blank");
    }

    @Test
    void titleOfWrongTypeIs422() {
        assertRefused(create("{\"title\":42}"), 422, "title: must be a string");
    }

    @Test
    void titleOver256CharactersIs422() {
        assertRefused(create("{\"title\":\"" + "x".repeat(257) + "\"}"), 422, "title: must be at most 256 characters");
        assertThat(create("{\"title\":\"" + "x".repeat(256) + "\"}").status()).isEqualTo(201);
    }

    @Test
    void unknownPriorityIs422() {
        assertRefused(
                create("{\"title\":\"t\",\"priority\":\"urgent\"}"),
                422,
                "priority: must be one of low, medium, high, critical");
    }

    @Test
    void priorityOfWrongTypeIs422() {
        assertRefused(create("{\"title\":\"t\",\"priority\":3}"), 422, "priority: must be a string");
    }

    @Test
    void metadataThatIsNotAnObjectIs422() {
        assertRefused(create("{\"title\":\"t\",\"metadata\":[1]}"), 422, "metadata: must be a JSON object");
        assertRefused(create("{\"title\":\"t\",\"metadata\":\"text\"}"), 422, "metadata: must be a JSON object");
    }

    @Test
    void metadataOver16KiBIs422() {
        assertRefused(
                create("{\"title\":\"t\",\"metadata\":{\"k\":\"" + "x".repeat(16 * 1024) + "\"}}"),
                422,
                "metadata: must be at most 16 KiB");
    }

    @Test
    void messageOver64KiBIs422() {
        assertRefused(
                create("{\"title\":\"t\",\"message\":\"" + "x".repeat(64 * 1024 + 1) + "\"}"),
                422,
                "message: must be at most 64 KiB");
    }

    @Test
    void sourceOver64CharactersIs422() {
        assertRefused(
                create("{\"title\":\"t\",\"source\":\"" + "s".repeat(65) + "\"}"),
                422,
                "source: must be at most 64 characters");
    }

    @Test
    void javascriptUrlIs422() {
        assertRefused(create("{\"title\":\"t\",\"url\":\"javascript:alert(1)\"}"), 422, "url: must be an http(s) URL");
    }

    @Test
    void bodyOverTheRequestLimitIs413() {
        assertRefused(
                create("{\"title\":\"t\",\"message\":\"" + "x".repeat(200 * 1024) + "\"}"), 413, "body: larger than");
    }

    @Test
    void badUuidInThePathIs422() {
        assertRefused(server.get("/api/notifications/not-a-uuid", token), 422, "id: must be a UUID");
        assertRefused(
                server.patch("/api/notifications/123", token, "{\"status\":\"read\"}"), 422, "id: must be a UUID");
        assertRefused(server.delete("/api/notifications/123", token), 422, "id: must be a UUID");
    }

    @Test
    void unknownStatusIs422AndLeavesTheNotificationAlone() {
        String id = server.publish(token, "x").get("id").asText();
        Response r = server.patch("/api/notifications/" + id, token, "{\"status\":\"done\"}");
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.detail()).isEqualTo("status: must be one of unread, read, archived");
        assertThat(server.patch("/api/notifications/" + id, token, "{}").detail())
                .isEqualTo("status: is required");
        assertThat(server.get("/api/notifications/" + id, token)
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("unread");
    }

    @Test
    void badSinceIs422() {
        assertRefused(
                server.get("/api/notifications/?since=yesterday", token), 422, "since: must be an ISO-8601 timestamp");
    }

    @Test
    void limitOver200OrNegativeIs422() {
        assertRefused(server.get("/api/notifications/?limit=201", token), 422, "limit: must be between 1 and 200");
        assertRefused(server.get("/api/notifications/?limit=-1", token), 422, "limit: must be between 1 and 200");
        assertRefused(server.get("/api/notifications/?limit=ten", token), 422, "limit: must be a whole number");
        assertRefused(server.get("/api/notifications/?offset=-5", token), 422, "offset: must be between 0");
    }

    @Test
    void unknownStatusOrPriorityFilterIs422() {
        assertRefused(server.get("/api/notifications/?status=new", token), 422, "status: must be one of");
        assertRefused(server.get("/api/notifications/?priority=urgent", token), 422, "priority: must be one of");
        assertRefused(
                server.get("/api/notifications/?min_priority=urgent", token), 422, "min_priority: must be one of");
    }

    @Test
    void unknownRouteIs404WithDetail() {
        Response r = server.get("/api/nothing-here", token);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.detail()).isEqualTo("Endpoint GET /api/nothing-here not found");
    }

    @Test
    void badLastEventIdIs422() {
        assertRefused(
                server.send(server.request("/api/notifications/stream", token)
                        .header("Last-Event-ID", "abc")
                        .GET()),
                422,
                "Last-Event-ID: must be a non-negative whole number");
        assertRefused(server.get("/api/notifications/stream?last_event_id=-1", token), 422, "last_event_id: must be");
    }

    @Test
    void wrongContentIsNeverStoredEvenWhenOtherFieldsAreValid() {
        HttpRequest.Builder b = server.request("/api/notifications/", token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"title\":\"ok\",\"priority\":\"high\",\"tag\":{\"x\":1}}"));
        assertRefused(server.send(b), 422, "tag: must be a string");
    }
}
