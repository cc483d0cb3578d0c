package dev.prioritynotify.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.support.TestServer.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** The subscription API and push delivery against a real test push service, on both databases. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class PushApiTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestServer server;
    TestPushService pushService;
    String token;

    void start(Map<String, String> extra) throws Exception {
        Map<String, String> settings = TestPushService.serverSettings(extra);
        server = TestServer.start(dialect, tmp, settings, InstantSource.system());
        token = server.newUserToken("alice");
        pushService = TestPushService.start(
                server.get("/api/push/vapid-key", null).json().get("publicKey").asText());
    }

    @BeforeEach
    void startDefault() throws Exception {
        start(Map.of());
    }

    @AfterEach
    void stop() {
        pushService.close();
        server.close();
    }

    private Response subscribe(String json) {
        return server.post("/api/push/subscribe", token, json);
    }

    @Test
    void vapidKeyIsAnUncompressedP256PointThatSurvivesRestarts() {
        String key =
                server.get("/api/push/vapid-key", null).json().get("publicKey").asText();
        byte[] raw = java.util.Base64.getUrlDecoder().decode(key);
        assertThat(raw).hasSize(65);
        assertThat(raw[0]).isEqualTo((byte) 4);
        assertThat(server.get("/api/v1/push/vapid-public-key", null)
                        .json()
                        .get("publicKey")
                        .asText())
                .isEqualTo(key);
        server.restart();
        assertThat(server.get("/api/push/vapid-key", null)
                        .json()
                        .get("publicKey")
                        .asText())
                .isEqualTo(key);
        String stored = server.app()
                .services()
                .db()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT value FROM settings WHERE key = 'vapid.keys'")
                        .mapTo(String.class)
                        .one());
        assertThat(stored).contains(key).contains("private_key_sealed");
    }

    @Test
    void subscribingTwiceKeepsOneRowAndAnswers201Then200() throws Exception {
        TestPushService.Device device = pushService.device();
        Response first = subscribe(device.subscriptionJson());
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        Response again = subscribe(device.subscriptionJson());
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id")).isEqualTo(first.json().get("id"));
        JsonNode list = server.get("/api/push/subscriptions", token).json();
        assertThat(list.get("total").asInt()).isEqualTo(1);
        assertThat(list.get("items").get(0).get("endpoint").asText())
                .endsWith("…")
                .doesNotContain(device.id);
        assertThat(list.get("items").get(0).has("keys")).isFalse();
    }

    @Test
    void concurrentSubscribesOfOneEndpointEndAsOneRowWithoutErrors() throws Exception {
        TestPushService.Device device = pushService.device();
        java.util.List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                answers.add(
                        pool.submit(() -> subscribe(device.subscriptionJson()).status()));
            }
        }
        java.util.List<Integer> statuses = new java.util.ArrayList<>();
        for (var a : answers) {
            statuses.add(a.get());
        }
        assertThat(statuses).containsOnly(200, 201).containsOnlyOnce(201);
        assertThat(server.get("/api/push/subscriptions", token)
                        .json()
                        .get("total")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void subscriptionStoresDeviceNameMinimumPriorityAndUserAgent() throws Exception {
        TestPushService.Device device = pushService.device();
        String json = device.subscriptionJson()
                .replaceFirst("\\}$", ",\"device_name\":\"Pixel 8\",\"min_priority\":\"high\"}");
        Response r = server.send(server.request("/api/push/subscribe", token)
                .header("User-Agent", "Firefox/140")
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("device_name").asText()).isEqualTo("Pixel 8");
        assertThat(r.json().get("min_priority").asText()).isEqualTo("high");
        assertThat(r.json().get("user_agent").asText()).isEqualTo("Firefox/140");
    }

    @Test
    void aNotificationReachesBothDevicesOfTheUserWithValidVapidAndTheExactPayload() throws Exception {
        TestPushService.Device laptop = pushService.device();
        TestPushService.Device phone = pushService.device();
        subscribe(laptop.subscriptionJson());
        subscribe(phone.subscriptionJson());

        JsonNode n = server.post("/api/notifications/", token, """
                {"title":"Disk full","message":"web-01 at 95%","priority":"high","source":"monitoring","tag":"disk"}""").json();
        List<TestPushService.Received> got = pushService.await(2, WAIT);

        assertThat(pushService.vapidErrors()).isEmpty();
        assertThat(got).hasSize(2);
        assertThat(got).extracting(TestPushService.Received::deviceId).containsExactlyInAnyOrder(laptop.id, phone.id);
        String id = n.get("id").asText();
        String readToken = readTokenOf(got.getFirst().plaintext());
        String expected = "{\"title\":\"Disk full\",\"body\":\"web-01 at 95%\",\"icon\":\"/static/icon-192.png\","
                + "\"badge\":\"/static/badge-72.png\",\"tag\":\"disk\",\"data\":{\"url\":\"/notifications/" + id
                + "\",\"notification_id\":\"" + id + "\",\"priority\":\"high\",\"source\":\"monitoring\","
                + "\"read_token\":\"" + readToken + "\"}}";
        assertThat(got).allSatisfy(r -> {
            assertThat(r.plaintext()).isEqualTo(expected);
            assertThat(r.headers().get("Content-Encoding")).isEqualTo("aes128gcm");
            assertThat(r.headers().get("Content-Type")).isEqualTo("application/octet-stream");
            assertThat(r.headers().get("Urgency")).isEqualTo("high");
            assertThat(r.headers().get("TTL")).isEqualTo("86400");
            assertThat(r.headers().get("Topic")).isEqualTo("disk");
            assertThat(Integer.parseInt(r.headers().get("Content-Length"))).isLessThanOrEqualTo(4096);
        });
        await("last_used_at set after delivery").atMost(WAIT).until(this::allLastUsed);
    }

    private boolean allLastUsed() {
        JsonNode items = server.get("/api/push/subscriptions", token).json().get("items");
        boolean all = true;
        for (JsonNode item : items) {
            all &= !item.get("last_used_at").isNull();
        }
        return all;
    }

    @Test
    void aUserWithoutSubscriptionsIsSkippedSilently() throws Exception {
        assertThat(server.post("/api/notifications/", token, "{\"title\":\"nobody listens\"}")
                        .status())
                .isEqualTo(201);
        TestPushService.Device other = pushService.device();
        String bob = server.newUserToken("bob");
        assertThat(server.post("/api/push/subscribe", bob, other.subscriptionJson())
                        .status())
                .isEqualTo(201);
        server.post("/api/notifications/", bob, "{\"title\":\"for bob\"}");
        List<TestPushService.Received> got = pushService.await(1, WAIT);
        assertThat(got).singleElement().satisfies(r -> assertThat(r.plaintext()).contains("for bob"));
    }

    @Test
    void devicesBelowTheirMinimumPriorityAreNotPushed() throws Exception {
        TestPushService.Device quiet = pushService.device();
        subscribe(quiet.subscriptionJson().replaceFirst("\\}$", ",\"min_priority\":\"critical\"}"));
        server.post("/api/notifications/", token, "{\"title\":\"minor\",\"priority\":\"high\"}");
        server.post("/api/notifications/", token, "{\"title\":\"major\",\"priority\":\"critical\"}");
        List<TestPushService.Received> got = pushService.await(1, WAIT);
        // "minor" must never arrive: once nothing is in flight or due (see QuietOutbox), it cannot.
        QuietOutbox.await(server, Instant.now());
        assertThat(pushService.all())
                .singleElement()
                .satisfies(r -> assertThat(r.plaintext()).contains("\"major\""));
        assertThat(got.getFirst().headers().get("TTL"))
                .isEqualTo(Long.toString(Duration.ofDays(7).toSeconds()));
    }

    @Test
    void goneSubscriptionsAreRemovedAndOtherDevicesStillReceive() throws Exception {
        TestPushService.Device dead = pushService.device();
        TestPushService.Device alive = pushService.device();
        dead.answer(TestPushService.Answer.status(410));
        subscribe(dead.subscriptionJson());
        subscribe(alive.subscriptionJson());
        server.publish(token, "first");
        pushService.await(2, WAIT);
        await("the gone subscription is removed")
                .atMost(WAIT)
                .until(() -> server.get("/api/push/subscriptions", token)
                                .json()
                                .get("total")
                                .asInt()
                        == 1);
        assertThat(server.get("/api/push/subscriptions", token)
                        .json()
                        .get("total")
                        .asInt())
                .isEqualTo(1);
        server.publish(token, "second");
        pushService.await(3, WAIT);
        // Nothing in flight or due any more (see QuietOutbox): a push to the removed device would show by now.
        QuietOutbox.await(server, Instant.now());
        assertThat(dead.received()).hasSize(1);
        assertThat(alive.received()).hasSize(2);
    }

    @Test
    void minimalPayloadLeavesTheMessageOut() throws Exception {
        pushService.close();
        server.close();
        start(Map.of("PUSH_PAYLOAD", "minimal"));
        TestPushService.Device device = pushService.device();
        subscribe(device.subscriptionJson());
        server.post("/api/notifications/", token, "{\"title\":\"Login\",\"message\":\"secret one-time code 123456\"}");
        assertThat(pushService.await(1, WAIT)).singleElement().satisfies(r -> {
            assertThat(r.plaintext())
                    .contains("\"title\":\"Login\"")
                    .contains("\"body\":\"\"")
                    .doesNotContain("123456");
        });
    }

    @Test
    void aVeryLongMessageIsShortenedToFitNeverRefused() throws Exception {
        TestPushService.Device device = pushService.device();
        subscribe(device.subscriptionJson());
        String longText = "é".repeat(30_000);
        assertThat(server.post("/api/notifications/", token, "{\"title\":\"long\",\"message\":\"" + longText + "\"}")
                        .status())
                .isEqualTo(201);
        TestPushService.Received r = pushService.await(1, WAIT).getFirst();
        assertThat(Integer.parseInt(r.headers().get("Content-Length"))).isBetween(4000, 4096);
        JsonNode payload = TestServer.mapper().readTree(r.plaintext());
        assertThat(payload.get("body").asText()).startsWith("éééé").endsWith("…");
    }

    @Test
    void unsubscribeByBodyQueryOrIdAndNeverSomeoneElses() throws Exception {
        TestPushService.Device a = pushService.device();
        TestPushService.Device b = pushService.device();
        TestPushService.Device c = pushService.device();
        subscribe(a.subscriptionJson());
        subscribe(b.subscriptionJson());
        String cId = subscribe(c.subscriptionJson()).json().get("id").asText();
        String bob = server.newUserToken("bob");

        Response stranger = server.send(server.request("/api/push/unsubscribe", bob)
                .header("Content-Type", "application/json")
                .method(
                        "DELETE",
                        java.net.http.HttpRequest.BodyPublishers.ofString("{\"endpoint\":\"" + a.endpoint() + "\"}")));
        assertThat(stranger.status()).isEqualTo(404);
        assertThat(server.get("/api/push/subscriptions", token)
                        .json()
                        .get("total")
                        .asInt())
                .isEqualTo(3);

        Response byBody = server.send(server.request("/api/push/unsubscribe", token)
                .header("Content-Type", "application/json")
                .method(
                        "DELETE",
                        java.net.http.HttpRequest.BodyPublishers.ofString("{\"endpoint\":\"" + a.endpoint() + "\"}")));
        assertThat(byBody.status()).isEqualTo(204);
        assertThat(server.delete(
                                "/api/v1/push/subscribe?endpoint="
                                        + URLEncoder.encode(b.endpoint(), StandardCharsets.UTF_8),
                                token)
                        .status())
                .isEqualTo(204);
        assertThat(server.delete("/api/push/unsubscribe?id=" + cId, token).status())
                .isEqualTo(204);
        assertThat(server.delete("/api/push/unsubscribe?id=" + cId, token).status())
                .isEqualTo(404);
        assertThat(server.get("/api/push/subscriptions", token)
                        .json()
                        .get("total")
                        .asInt())
                .isZero();
    }

    @Test
    void onlyAdministratorsListEveryonesSubscriptions() throws Exception {
        subscribe(pushService.device().subscriptionJson());
        Response refused = server.get("/api/push/subscriptions?all=true", token);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.detail()).startsWith("all:");
        var admin = server.app().services().accounts().create("root", true, java.util.Optional.empty());
        String adminToken = server.token(admin);
        assertThat(server.get("/api/v1/push/subscriptions?all=true", adminToken)
                        .json()
                        .get("total")
                        .asInt())
                .isEqualTo(1);
        assertThat(server.get("/api/push/subscriptions", adminToken)
                        .json()
                        .get("total")
                        .asInt())
                .isZero();
    }

    @Test
    void testPushAnswersEachDevicesOutcome() throws Exception {
        TestPushService.Device ok = pushService.device();
        TestPushService.Device broken = pushService.device();
        broken.answer(TestPushService.Answer.status(500));
        subscribe(ok.subscriptionJson());
        subscribe(broken.subscriptionJson());
        JsonNode results = server.post("/api/push/test", token, "").json().get("results");
        assertThat(results).hasSize(2);
        assertThat(results)
                .extracting(r -> r.get("result").asText())
                .containsExactlyInAnyOrder("delivered", "retryable");
        assertThat(ok.received().getFirst().plaintext()).contains("Test notification");
    }

    @Test
    void theInsecureFlagStillRefusesHostsThatAreNeitherKnownNorAllowed() throws Exception {
        TestPushService.Device device = pushService.device();
        for (String endpoint : List.of("http://evil.example.com/x", "https://push.example.org/x")) {
            Response r = subscribe(device.subscriptionJson().replace(device.endpoint(), endpoint));
            assertThat(r.status()).as(endpoint).isEqualTo(422);
            assertThat(r.detail())
                    .startsWith("endpoint: host "
                            + java.net.URI.create(endpoint).getHost() + " is not a known push service");
        }
        assertThat(server.get("/api/push/subscriptions", token)
                        .json()
                        .get("total")
                        .asInt())
                .isZero();
    }

    @Test
    void subscribingIsRateLimitedWith429AndRetryAfter() throws Exception {
        pushService.close();
        server.close();
        start(Map.of("PUSH_SUBSCRIBE_LIMIT", "2"));
        assertThat(subscribe(pushService.device().subscriptionJson()).status()).isEqualTo(201);
        assertThat(subscribe(pushService.device().subscriptionJson()).status()).isEqualTo(201);
        Response limited = subscribe(pushService.device().subscriptionJson());
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.raw().headers().firstValue("Retry-After"))
                .hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(1, 60));
        assertThat(server.get("/api/push/subscriptions", token)
                        .json()
                        .get("total")
                        .asInt())
                .isEqualTo(2);
    }

    /**
     * The Mark as read capability a payload carries (ActionRoutesTest checks what it can do): its
     * value depends on SECRET_KEY and the clock, so exact-payload checks take it from the payload
     * after checking its shape.
     */
    static String readTokenOf(String plaintext) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"read_token\":\"([A-Za-z0-9_-]{54})\"")
                .matcher(plaintext);
        assertThat(m.find())
                .as("a read_token of 54 base64url characters in " + plaintext)
                .isTrue();
        return m.group(1);
    }
}
