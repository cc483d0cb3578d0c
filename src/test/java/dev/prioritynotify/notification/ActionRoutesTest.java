package dev.prioritynotify.notification;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prioritynotify.config.Secret;
import dev.prioritynotify.push.TestPushService;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.MutableClock;
import dev.prioritynotify.support.SseClient;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.support.TestServer.Response;
import dev.prioritynotify.user.User;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * "Mark as read" from the notification itself: {@code POST /api/notifications/{id}/actions/read}
 * with the capability the push carried, and no session or API token. Tokens are made here with the
 * server's own {@code SECRET_KEY} (what a genuine one is), and once taken from a real push as the
 * server encrypted it for a device.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class ActionRoutesTest {
    private static final String SECRET_KEY = "a secret key of at least thirty-two characters";
    private static final Duration LIFETIME = Duration.ofDays(8);

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    final MutableClock clock = MutableClock.atNow();
    TestServer server;
    ActionTokens tokens;
    User alice;
    String aliceToken;

    @BeforeEach
    void start() {
        server = TestServer.start(
                dialect,
                tmp,
                TestPushService.serverSettings(Map.of("SECRET_KEY", SECRET_KEY, "PUSH_WORKER_POLL", "20ms")),
                clock);
        tokens = new ActionTokens(new Secret(SECRET_KEY), LIFETIME, clock);
        alice = server.user("alice");
        aliceToken = server.token(alice);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String publish(String title) {
        return server.publish(aliceToken, title).get("id").asText();
    }

    private String readToken(User owner, String id) {
        return tokens.issue(owner.id(), UUID.fromString(id), ActionTokens.Action.READ);
    }

    /** The service worker's request: the token in the body, no cookie, no bearer, no CSRF token. */
    private Response markRead(String id, String token) {
        return server.post(
                "/api/notifications/" + id + "/actions/read",
                null,
                TestServer.mapper().createObjectNode().put("token", token).toString());
    }

    private String status(String id) {
        return server.get("/api/notifications/" + id, aliceToken)
                .json()
                .get("status")
                .asText();
    }

    @Test
    void aValidTokenMarksItReadAndTheUsersOtherDevicesHearOfIt() throws Exception {
        String id = publish("Disk full");
        try (SseClient otherDevice = SseClient.connect(server.uri("/api/notifications/stream"), aliceToken, null)) {
            assertThat(otherDevice.status()).isEqualTo(200);

            Response r = markRead(id, readToken(alice, id));

            assertThat(r.status()).as(r.body()).isEqualTo(204);
            assertThat(status(id)).isEqualTo("read");
            SseClient.Frame frame = otherDevice.next(10_000);
            assertThat(frame).as("the status change reaches the stream").isNotNull();
            assertThat(frame.event()).isEqualTo("status_change");
            JsonNode data = TestServer.mapper().readTree(frame.data());
            assertThat(data.get("id").asText()).isEqualTo(id);
            assertThat(data.get("status").asText()).isEqualTo("read");
            assertThat(data.get("previous_status").asText()).isEqualTo("unread");
        }
    }

    @Test
    void tappingAgainChangesNothingAndStillSucceeds() throws Exception {
        String id = publish("Disk full");
        String token = readToken(alice, id);
        assertThat(markRead(id, token).status()).isEqualTo(204);
        try (SseClient stream = SseClient.connect(server.uri("/api/notifications/stream"), aliceToken, null)) {
            Response again = markRead(id, token);

            assertThat(again.status()).as(again.body()).isEqualTo(204);
            assertThat(status(id)).isEqualTo("read");
            // Nothing changed, so nothing was announced: the next event is the marker's.
            server.publish(aliceToken, "marker");
            assertThat(stream.next(10_000).event()).isEqualTo("notification");
        }
    }

    @Test
    void anArchivedNotificationStaysArchived() {
        String id = publish("old news");
        server.patch("/api/notifications/" + id, aliceToken, "{\"status\":\"archived\"}");

        assertThat(markRead(id, readToken(alice, id)).status()).isEqualTo(204);
        assertThat(status(id)).isEqualTo("archived");
    }

    @Test
    void anExpiredTokenIsRefused() {
        String id = publish("late push");
        String token = readToken(alice, id);
        clock.advance(LIFETIME.plusSeconds(1));

        Response r = markRead(id, token);

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.detail()).contains("token").contains("expired");
        assertThat(status(id)).isEqualTo("unread");
    }

    @Test
    void aForgedOrAlteredTokenIsRefused() {
        String id = publish("Disk full");
        String genuine = readToken(alice, id);
        byte[] raw = Base64.getUrlDecoder().decode(genuine);
        raw[raw.length - 1] ^= 1;
        String flipped = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        raw = Base64.getUrlDecoder().decode(genuine);
        raw[0] ^= 1; // a later expiry under the same MAC
        String extended = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        String signedElsewhere = new ActionTokens(
                        new Secret("another server's secret key, thirty-two+"), LIFETIME, clock)
                .issue(alice.id(), UUID.fromString(id), ActionTokens.Action.READ);

        for (String forged : new String[] {
            flipped, extended, signedElsewhere, "not base64!", "", genuine.substring(0, genuine.length() - 2)
        }) {
            Response r = markRead(id, forged);
            assertThat(r.status()).as(forged + ": " + r.body()).isEqualTo(403);
            assertThat(r.detail()).as(forged).startsWith("token:");
        }
        assertThat(status(id)).isEqualTo("unread");
    }

    @Test
    void aTokenForAnotherNotificationIsRefused() {
        String first = publish("first");
        String second = publish("second");

        Response r = markRead(second, readToken(alice, first));

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.detail()).startsWith("token:");
        assertThat(status(first)).isEqualTo("unread");
        assertThat(status(second)).isEqualTo("unread");
    }

    @Test
    void aTokenForAnotherUserIsRefused() {
        String id = publish("alice's");
        User bob = server.user("bob");

        Response r = markRead(id, readToken(bob, id));

        assertThat(r.status()).isEqualTo(403);
        assertThat(status(id)).isEqualTo("unread");
    }

    @Test
    void aNotificationThatIsNotThereGetsTheSameAnswerAsAWrongToken() {
        UUID none = UUID.randomUUID();
        Response r = markRead(none.toString(), tokens.issue(alice.id(), none, ActionTokens.Action.READ));

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.detail()).isEqualTo(markRead(publish("x"), "AAAA").detail());
    }

    @Test
    void aMissingTokenOrABadIdIsNamed() {
        String id = publish("Disk full");

        Response missing = server.post("/api/notifications/" + id + "/actions/read", null, "{}");
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.detail()).startsWith("token");
        Response badId = markRead("not-a-uuid", "AAAA");
        assertThat(badId.status()).isEqualTo(422);
        assertThat(badId.detail()).startsWith("id");
    }

    @Test
    void anotherSitesOriginDoesNotMatterTheTokenIsTheAuthorisation() {
        String id = publish("Disk full");

        Response r = server.send(server.request("/api/notifications/" + id + "/actions/read", null)
                .header("Content-Type", "application/json")
                .header("Origin", "https://elsewhere.example")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + readToken(alice, id) + "\"}")));

        assertThat(r.status()).as(r.body()).isEqualTo(204);
        assertThat(r.raw().headers().firstValue("Access-Control-Allow-Origin"))
                .as("no CORS: only same-origin scripts may read the answer")
                .isEmpty();
    }

    @Test
    void theTokenInARealPushMarksItRead() throws Exception {
        try (TestPushService pushService = TestPushService.start(
                server.get("/api/push/vapid-key", null).json().get("publicKey").asText())) {
            TestPushService.Device device = pushService.device();
            assertThat(server.post("/api/push/subscribe", aliceToken, device.subscriptionJson())
                            .status())
                    .isEqualTo(201);
            String id = publish("Disk full");
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> !device.received().isEmpty());

            JsonNode data = TestServer.mapper()
                    .readTree(device.received().getFirst().plaintext())
                    .get("data");
            assertThat(data.get("notification_id").asText()).isEqualTo(id);
            Response r = markRead(id, data.get("read_token").asText());

            assertThat(r.status()).as(r.body()).isEqualTo(204);
            assertThat(status(id)).isEqualTo("read");
        }
    }
}
