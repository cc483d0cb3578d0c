package dev.prioritynotify.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.LogCapture;
import dev.prioritynotify.support.MutableClock;
import dev.prioritynotify.support.SseClient;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.webpush.Endpoints;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The durable delivery queue's outcomes, on both databases, against real test push services.
 * Time is injected: retries fall due when the test moves the clock, never by sleeping through
 * real backoff.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class DeliveryTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    MutableClock clock = MutableClock.atNow();
    TestServer server;
    TestPushService pushService;
    String token;

    void start(Map<String, String> extra) throws Exception {
        Map<String, String> settings = TestPushService.serverSettings(Map.of("PUSH_WORKER_POLL", "20ms"));
        settings.putAll(extra);
        server = TestServer.start(dialect, tmp, settings, clock);
        token = server.newUserToken("alice");
        pushService = TestPushService.start(vapidKey());
    }

    private String vapidKey() {
        return server.get("/api/push/vapid-key", null).json().get("publicKey").asText();
    }

    @AfterEach
    void stop() {
        if (pushService != null) {
            pushService.close();
        }
        server.close();
    }

    private void subscribe(TestPushService.Device d) {
        assertThat(server.post("/api/push/subscribe", token, d.subscriptionJson())
                        .status())
                .isEqualTo(201);
    }

    private JsonNode deliveries(String notificationId) {
        return server.get("/api/notifications/" + notificationId + "/deliveries", token)
                .json()
                .get("items");
    }

    private static void await(String what, Callable<Boolean> condition) {
        Awaitility.await(what).atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(condition);
    }

    /** Waits until the device's single delivery of {@code id} has settled in {@code state} with {@code attempts}. */
    private JsonNode awaitDelivery(String id, String state, int attempts) {
        await("delivery is " + state + " after " + attempts + " attempts", () -> {
            JsonNode d = deliveries(id).get(0);
            return d != null
                    && d.get("state").asText().equals(state)
                    && d.get("attempts").asInt() == attempts;
        });
        return deliveries(id).get(0);
    }

    /**
     * Nothing more arrives at the clock's current time: the dispatcher has gone round a claim at
     * it and the outbox has nothing in flight or due (see {@link QuietOutbox} for why that, and
     * not a later marker push, is the signal), so the count is final.
     */
    private void assertQuiet(TestPushService.Device d, int expectedCount) {
        QuietOutbox.await(server, clock);
        assertThat(d.received()).hasSize(expectedCount);
    }

    @Test
    void twoServerErrorsThenSuccessDeliversOnTheThirdAttemptWithGrowingDelays() throws Exception {
        start(Map.of());
        TestPushService.Device device = pushService.device();
        device.answer(TestPushService.Answer.status(500), TestPushService.Answer.status(500));
        subscribe(device);
        Instant t0 = clock.instant();
        String id = server.publish(token, "flaky").get("id").asText();

        JsonNode first = awaitDelivery(id, "pending", 1);
        Duration delay1 =
                Duration.between(t0, Instant.parse(first.get("next_attempt_at").asText()));
        assertThat(delay1).isBetween(Duration.ofMillis(4500), Duration.ofMillis(5500));
        assertThat(first.get("last_error").asText()).contains("500");
        assertThat(first.get("last_status").asInt()).as("the answer's status").isEqualTo(500);
        clock.advance(delay1.minusMillis(100));
        assertQuiet(device, 1);

        clock.advance(Duration.ofMillis(100));
        JsonNode second = awaitDelivery(id, "pending", 2);
        Instant t1 = clock.instant();
        Duration delay2 =
                Duration.between(t1, Instant.parse(second.get("next_attempt_at").asText()));
        assertThat(delay2)
                .isBetween(Duration.ofSeconds(9), Duration.ofSeconds(11))
                .isGreaterThan(delay1);

        clock.advance(delay2);
        JsonNode done = awaitDelivery(id, "delivered", 3);
        assertThat(done.get("last_status").asInt()).isEqualTo(201);
        assertThat(device.received()).hasSize(3);
        assertThat(device.received()).allSatisfy(r -> assertThat(r.plaintext()).contains("\"flaky\""));
    }

    @Test
    void aNewNotificationsPushesGoStraightToTheWorkersUpToTheHandOffLimitAndTheRestQueue() throws Exception {
        // One push at a time to the service, and no polling: what is not handed over waits in the
        // queue until the service has room, and is claimed from there.
        start(Map.of("PUSH_HANDOFF_LIMIT", "3", "PUSH_CONCURRENCY_PER_ORIGIN", "1", "PUSH_WORKER_POLL", "1h"));
        List<TestPushService.Device> devices = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            TestPushService.Device d = pushService.device();
            d.answer(TestPushService.Answer.slow(Duration.ofMillis(700)));
            subscribe(d);
            devices.add(d);
        }
        String id = server.publish(token, "to five devices").get("id").asText();
        Map<String, Long> states = new java.util.TreeMap<>();
        deliveries(id).forEach(d -> states.merge(d.get("state").asText(), 1L, Long::sum));
        assertThat(states.get("pending"))
                .as("beyond the hand-off limit: queued, %s", states)
                .isEqualTo(2);
        assertThat(states.getOrDefault("sending", 0L) + states.getOrDefault("delivered", 0L))
                .isEqualTo(3);

        await("all five are delivered", () -> {
            JsonNode all = deliveries(id);
            for (JsonNode d : all) {
                if (!d.get("state").asText().equals("delivered")) {
                    return false;
                }
            }
            return all.size() == 5;
        });
        assertThat(devices).allSatisfy(d -> assertThat(d.received()).hasSize(1));
    }

    @Test
    void aDeviceTakenOverByAnotherUserNeverGetsThePreviousOwnersPendingPushes() throws Exception {
        start(Map.of());
        TestPushService.Device device = pushService.device();
        device.answer(TestPushService.Answer.status(500));
        subscribe(device);
        String id = server.publish(token, "for alice only").get("id").asText();
        awaitDelivery(id, "pending", 1);

        String bob = server.newUserToken("bob");
        assertThat(server.post("/api/push/subscribe", bob, device.subscriptionJson())
                        .status())
                .isEqualTo(200);
        clock.advance(Duration.ofMinutes(1));
        JsonNode dropped = awaitDelivery(id, "failed", 1);
        assertThat(dropped.get("last_error").asText()).contains("taken over by another user");
        assertThat(device.received()).hasSize(1);

        String bobs = server.publish(bob, "for bob").get("id").asText();
        await("bob's push arrives", () -> device.received().size() == 2);
        assertThat(device.received().get(1).plaintext()).contains("\"for bob\"");
        JsonNode subscription =
                server.get("/api/push/subscriptions", bob).json().get("items").get(0);
        assertThat(subscription.get("failure_count").asInt())
                .as("a dropped push says nothing about the device")
                .isZero();
        await(
                "bob's push is recorded as delivered",
                () -> server.get("/api/notifications/" + bobs + "/deliveries", bob)
                        .json()
                        .get("items")
                        .get(0)
                        .get("state")
                        .asText()
                        .equals("delivered"));
    }

    @Test
    void goneDevicesAreRemovedAtOnceWhileTheOtherDeviceStillReceives() throws Exception {
        start(Map.of());
        TestPushService.Device gone410 = pushService.device();
        TestPushService.Device gone404 = pushService.device();
        TestPushService.Device alive = pushService.device();
        gone410.answer(TestPushService.Answer.status(410));
        gone404.answer(TestPushService.Answer.status(404));
        subscribe(gone410);
        subscribe(gone404);
        subscribe(alive);
        String id = server.publish(token, "one").get("id").asText();
        await("three settled", () -> {
            JsonNode ds = deliveries(id);
            int settled = 0;
            for (JsonNode d : ds) {
                settled += d.get("state").asText().equals("pending")
                                || d.get("state").asText().equals("sending")
                        ? 0
                        : 1;
            }
            return settled == 3;
        });
        assertThat(deliveries(id))
                .extracting(d -> d.get("state").asText())
                .containsExactlyInAnyOrder("gone", "gone", "delivered");
        assertThat(server.get("/api/push/subscriptions", token)
                        .json()
                        .get("total")
                        .asInt())
                .isEqualTo(1);

        server.publish(token, "two");
        await("alive got both", () -> alive.received().size() == 2);
        assertQuiet(gone410, 1);
        assertThat(gone404.received()).hasSize(1);
    }

    @Test
    void aDroppedConnectionOrATimeoutIsRetriedLikeAServerError() throws Exception {
        start(Map.of("PUSH_REQUEST_TIMEOUT", "1s"));
        TestPushService.Device device = pushService.device();
        device.answer(TestPushService.Answer.dropConnection(), TestPushService.Answer.slow(Duration.ofSeconds(3)));
        subscribe(device);
        String id = server.publish(token, "shaky").get("id").asText();
        JsonNode dropped = awaitDelivery(id, "pending", 1);
        assertThat(dropped.get("last_error").asText()).startsWith("connection failed");
        assertThat(dropped.get("last_status").isNull())
                .as("no HTTP answer came")
                .isTrue();
        clock.advance(Duration.ofSeconds(6));
        JsonNode timedOut = awaitDelivery(id, "pending", 2);
        assertThat(timedOut.get("last_error").asText()).startsWith("timeout after 1 s");
        assertThat(timedOut.get("last_status").isNull())
                .as("no HTTP answer came")
                .isTrue();
        clock.advance(Duration.ofSeconds(12));
        awaitDelivery(id, "delivered", 3);
    }

    @Test
    void aPushServiceThatRefusesTheConnectionLeavesNoStatusAndSaysSo() throws Exception {
        start(Map.of());
        TestPushService closed = TestPushService.start(vapidKey());
        TestPushService.Device unreachable = closed.device();
        closed.close();
        subscribe(unreachable);
        JsonNode refused =
                awaitDelivery(server.publish(token, "nobody listens").get("id").asText(), "pending", 1);
        assertThat(refused.get("last_status").isNull()).isTrue();
        assertThat(refused.get("last_error").asText()).isEqualTo("connection refused");
    }

    @Test
    void aRemovedDevicesDeliveriesStillShowItsName() throws Exception {
        start(Map.of());
        TestPushService.Device device = pushService.device();
        var subscribed = server.post(
                "/api/push/subscribe",
                token,
                device.subscriptionJson().replaceFirst("\\}$", ",\"device_name\":\"Pixel 8\"}"));
        assertThat(subscribed.status()).isEqualTo(201);
        String id = server.publish(token, "named").get("id").asText();
        awaitDelivery(id, "delivered", 1);
        assertThat(server.delete(
                                "/api/push/unsubscribe?id="
                                        + subscribed.json().get("id").asText(),
                                token)
                        .status())
                .isEqualTo(204);
        JsonNode row = deliveries(id).get(0);
        assertThat(row.get("device_name").asText()).isEqualTo("Pixel 8");
        assertThat(row.get("endpoint").asText())
                .as("the endpoint went with the device")
                .isEqualTo(pushService.origin());
    }

    /** A device subscribed under the test's lab policy, then the server restarted with {@code changed} settings. */
    private TestPushService.Device storedThenRestartedWith(Map<String, String> changed) throws Exception {
        start(Map.of());
        TestPushService.Device device = pushService.device();
        subscribe(device);
        server.restart(changed);
        return device;
    }

    @Test
    void aDeviceStoredUnderTheInsecureFlagIsNoLongerPushedOnceTheServerRestartsWithoutIt() throws Exception {
        TestPushService.Device device = storedThenRestartedWith(Map.of("PUSH_ALLOW_INSECURE_ENDPOINTS", "false"));
        try (LogCapture log = LogCapture.warnings()) {
            String first = server.publish(token, "over plain http").get("id").asText();
            String second = server.publish(token, "again").get("id").asText();
            String reason = "not sent: the endpoint policy refuses it: must be an https:// URL";
            for (String id : List.of(first, second)) {
                JsonNode failed = awaitDelivery(id, "failed", 0);
                assertThat(failed.get("last_error").asText()).isEqualTo(reason);
                assertThat(failed.get("last_status").isNull()).isTrue();
            }
            assertThat(device.received()).as("nothing reached the push service").isEmpty();
            assertThat(log.lines())
                    .as("said once for the push service, not once per push")
                    .containsExactly("push to " + pushService.origin() + " failed: " + reason);

            JsonNode test = server.post("/api/push/test", token, "").json().get("results");
            assertThat(test).hasSize(1);
            assertThat(test.get(0).get("result").asText()).isEqualTo("not_allowed");
            assertThat(test.get(0).get("detail").asText()).isEqualTo(reason);
            assertThat(device.received()).isEmpty();
        }
        JsonNode listed = subscription();
        assertThat(listed.get("endpoint").asText()).isEqualTo(Endpoints.truncate(device.endpoint()));
        assertThat(listed.get("failure_count").asInt())
                .as("the device is not at fault: it stays as it was")
                .isZero();
    }

    @Test
    void aDeviceWhoseHostWasTakenOffTheAllowListIsNoLongerPushed() throws Exception {
        TestPushService.Device device = storedThenRestartedWith(Map.of("PUSH_ALLOWED_HOSTS", "push.example.net"));
        JsonNode failed = awaitDelivery(
                server.publish(token, "to a host no longer allowed").get("id").asText(), "failed", 0);
        assertThat(failed.get("last_error").asText())
                .startsWith("not sent: the endpoint policy refuses it: host 127.0.0.1 is not a known push service");
        assertThat(device.received()).isEmpty();
        assertThat(server.get("/api/push/subscriptions", token)
                        .json()
                        .get("total")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void failuresOfOnePushServiceAreLoggedAtOnceThenAtMostOnceAMinuteWithTheCountOfTheRest() throws Exception {
        start(Map.of());
        List<TestPushService.Device> devices = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TestPushService.Device d = pushService.device();
            d.answer(TestPushService.Answer.status(503), TestPushService.Answer.status(503));
            subscribe(d);
            devices.add(d);
        }
        try (LogCapture log = LogCapture.warnings()) {
            String id = server.publish(token, "to a failing service").get("id").asText();
            await("three first attempts failed", () -> attemptsOfAll(id, 1));
            String line = "push to " + pushService.origin() + " failed: push service answered 503";
            assertThat(log.lines())
                    .as("three failures within the minute: one line")
                    .containsExactly(line);

            clock.advance(Duration.ofMinutes(1));
            await("three second attempts failed", () -> attemptsOfAll(id, 2));
            assertThat(log.lines()).containsExactly(line, line + " (and 2 more such failures since the previous line)");
            assertThat(String.join("\n", log.lines())).doesNotContain(devices.get(0).id);
        }
    }

    private boolean attemptsOfAll(String notificationId, int attempts) {
        JsonNode all = deliveries(notificationId);
        for (JsonNode d : all) {
            if (!d.get("state").asText().equals("pending") || d.get("attempts").asInt() != attempts) {
                return false;
            }
        }
        return all.size() == 3;
    }

    @Test
    void aHealthyDeviceIsRewrittenAtMostOnceAMinuteButAFailingOneRecoversAtOnce() throws Exception {
        start(Map.of());
        TestPushService.Device device = pushService.device();
        subscribe(device);
        Instant t0 = clock.instant();
        awaitDelivery(server.publish(token, "a").get("id").asText(), "delivered", 1);
        assertThat(lastUsedAt()).isEqualTo(t0.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));

        clock.advance(Duration.ofSeconds(30));
        awaitDelivery(server.publish(token, "b").get("id").asText(), "delivered", 1);
        assertThat(lastUsedAt())
                .as("within the minute: not rewritten")
                .isEqualTo(t0.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));

        clock.advance(Duration.ofSeconds(31));
        Instant t1 = clock.instant();
        awaitDelivery(server.publish(token, "c").get("id").asText(), "delivered", 1);
        assertThat(lastUsedAt()).isEqualTo(t1.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));

        device.answer(TestPushService.Answer.status(503));
        String failing = server.publish(token, "d").get("id").asText();
        awaitDelivery(failing, "pending", 1);
        assertThat(subscription().get("failure_count").asInt()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(6));
        awaitDelivery(failing, "delivered", 2);
        assertThat(subscription().get("failure_count").asInt())
                .as("a success right after a failure is always written")
                .isZero();
        assertThat(subscription().get("last_error").isNull()).isTrue();
    }

    private JsonNode subscription() {
        return server.get("/api/push/subscriptions", token).json().get("items").get(0);
    }

    private Instant lastUsedAt() {
        return Instant.parse(subscription().get("last_used_at").asText());
    }

    @Test
    void tooManyRequestsWaitsExactlyForRetryAfter() throws Exception {
        start(Map.of());
        TestPushService.Device device = pushService.device();
        device.answer(TestPushService.Answer.tooManyRequests("2"));
        subscribe(device);
        Instant t0 = clock.instant();
        String id = server.publish(token, "later").get("id").asText();
        JsonNode waiting = awaitDelivery(id, "pending", 1);
        assertThat(Instant.parse(waiting.get("next_attempt_at").asText())).isEqualTo(t0.plusSeconds(2));
        assertThat(waiting.get("last_status").asInt()).isEqualTo(429);
        clock.advance(Duration.ofMillis(1900));
        assertQuiet(device, 1);
        clock.advance(Duration.ofMillis(100));
        awaitDelivery(id, "delivered", 2);
    }

    @Test
    void unauthorizedAndForbiddenFailWithoutDeletingTheDevice() throws Exception {
        start(Map.of());
        TestPushService.Device device = pushService.device();
        device.answer(TestPushService.Answer.status(401), TestPushService.Answer.status(403));
        subscribe(device);
        String first = server.publish(token, "a").get("id").asText();
        JsonNode failed = awaitDelivery(first, "failed", 1);
        assertThat(failed.get("last_status").asInt()).isEqualTo(401);
        String second = server.publish(token, "b").get("id").asText();
        assertThat(awaitDelivery(second, "failed", 1).get("last_status").asInt())
                .isEqualTo(403);
        JsonNode subscription =
                server.get("/api/push/subscriptions", token).json().get("items").get(0);
        assertThat(subscription.get("failure_count").asInt()).isEqualTo(2);
        assertThat(subscription.get("last_error").asText()).contains("403");
        String third = server.publish(token, "c").get("id").asText();
        awaitDelivery(third, "delivered", 1);
    }

    @Test
    void retriesStopAtTheMaximumNumberOfAttempts() throws Exception {
        start(Map.of("PUSH_RETRY_MAX_ATTEMPTS", "3", "PUSH_RETRY_BASE", "1s"));
        TestPushService.Device device = pushService.device();
        device.answer(
                TestPushService.Answer.status(503),
                TestPushService.Answer.status(503),
                TestPushService.Answer.status(503));
        subscribe(device);
        String id = server.publish(token, "doomed").get("id").asText();
        awaitDelivery(id, "pending", 1);
        clock.advance(Duration.ofSeconds(2));
        awaitDelivery(id, "pending", 2);
        clock.advance(Duration.ofSeconds(3));
        JsonNode failed = awaitDelivery(id, "failed", 3);
        assertThat(failed.get("last_error").asText()).contains("gave up after 3 attempts");
        clock.advance(Duration.ofHours(2));
        assertQuiet(device, 3);
    }

    @Test
    void aHangingPushServiceDelaysOnlyItsOwnDevices() throws Exception {
        // Room for 8 claimed pushes in all, 2 in flight per push service: unless the hanging
        // service's backlog is left unclaimed, its waiting pushes take every slot.
        start(Map.of("PUSH_CONCURRENCY", "8", "PUSH_CONCURRENCY_PER_ORIGIN", "2"));
        try (TestPushService hanging = TestPushService.start(vapidKey())) {
            TestPushService.Device stuck = hanging.device();
            for (int i = 0; i < 10; i++) {
                stuck.answer(TestPushService.Answer.slow(Duration.ofSeconds(10)));
            }
            TestPushService.Device healthy = pushService.device();
            subscribe(stuck);
            subscribe(healthy);
            for (int i = 0; i < 10; i++) {
                server.publish(token, "n" + i);
            }
            await("the healthy device has all ten", () -> healthy.received().size() == 10);
            assertThat(stuck.received())
                    .as("the hanging service has answered nothing yet")
                    .isEmpty();
        }
    }

    @Test
    void aBurstOfFiftyToOneDeviceIsFoldedIntoLimitPlusOnePushes() throws Exception {
        start(Map.of("PUSH_BURST_LIMIT", "10"));
        TestPushService.Device device = pushService.device();
        subscribe(device);
        int frames = 0;
        try (SseClient sse = SseClient.connect(server.uri("/api/notifications/stream"), token, null)) {
            for (int i = 0; i < 50; i++) {
                server.publish(token, "burst " + i);
            }
            while (frames < 50 && sse.next(WAIT.toMillis()) != null) {
                frames++;
            }
        }
        assertThat(frames).as("every notification is streamed").isEqualTo(50);
        assertThat(server.get("/api/notifications/?limit=1", token)
                        .json()
                        .get("total")
                        .asInt())
                .as("every notification is stored")
                .isEqualTo(50);
        await("the first ten pushes", () -> device.received().size() == 10);
        assertQuiet(device, 10);

        clock.advance(Duration.ofMinutes(1));
        await("the summary push", () -> device.received().size() == 11);
        assertThat(device.received().get(10).plaintext())
                .contains("\"title\":\"40 new notifications\"")
                .contains("\"url\":\"/\"");
        assertQuiet(device, 11);

        server.post("/api/notifications/", token, "{\"title\":\"after the window\",\"priority\":\"high\"}");
        await("a new window sends again", () -> device.received().size() == 12);
    }

    @Test
    void criticalNotificationsAreNeverFolded() throws Exception {
        start(Map.of("PUSH_BURST_LIMIT", "2"));
        TestPushService.Device device = pushService.device();
        subscribe(device);
        for (int i = 0; i < 6; i++) {
            server.post("/api/notifications/", token, "{\"title\":\"fire " + i + "\",\"priority\":\"critical\"}");
        }
        await("all six critical pushes", () -> device.received().size() == 6);
    }

    @Test
    void deliveriesOfAnotherUsersNotificationAreNotFound() throws Exception {
        start(Map.of());
        String id = server.publish(token, "mine").get("id").asText();
        String bob = server.newUserToken("bob");
        assertThat(server.get("/api/notifications/" + id + "/deliveries", bob).status())
                .isEqualTo(404);
        assertThat(server.get("/api/notifications/" + id + "/deliveries", token)
                        .json()
                        .get("total")
                        .asInt())
                .isZero();
    }

    @Test
    void broadcastCreatesOneNotificationPerUserForAdministratorsOnly() throws Exception {
        start(Map.of());
        String bob = server.newUserToken("bob");
        assertThat(server.post("/api/notifications/broadcast", token, "{\"title\":\"maintenance\"}")
                        .status())
                .isEqualTo(403);
        var admin = server.app().services().accounts().create("root", true, java.util.Optional.empty());
        TestPushService.Device bobsPhone = pushService.device();
        assertThat(server.post("/api/push/subscribe", bob, bobsPhone.subscriptionJson())
                        .status())
                .isEqualTo(201);
        var r = server.post(
                "/api/notifications/broadcast",
                server.token(admin),
                "{\"title\":\"maintenance at 22:00\",\"priority\":\"high\"}");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("created").asInt()).isEqualTo(3);
        for (String t : new String[] {token, bob}) {
            assertThat(server.get("/api/notifications/", t)
                            .json()
                            .get("items")
                            .get(0)
                            .get("title")
                            .asText())
                    .isEqualTo("maintenance at 22:00");
        }
        await("bob's phone got it", () -> bobsPhone.received().size() == 1);
    }

    @Test
    void metricsExposeDeliveryCountersAndQueueDepth() throws Exception {
        start(Map.of());
        TestPushService.Device device = pushService.device();
        device.answer(TestPushService.Answer.status(500));
        subscribe(device);
        String id = server.publish(token, "counted").get("id").asText();
        awaitDelivery(id, "pending", 1);
        String metrics = server.get("/metrics", null).body();
        assertThat(metrics).contains("push_notifications_sent_total{result=\"retryable\"} 1.0");
        assertThat(metrics).contains("push_retries_total 1.0");
        assertThat(metrics).contains("push_subscriptions_active 1.0");
        assertThat(metrics).contains("push_deliveries_pending 1.0");
        assertThat(metrics).contains("push_notification_duration_seconds_count");
        assertThat(metrics).contains("jvm_memory_used_bytes");
        assertThat(metrics)
                .contains(
                        "http_server_requests_seconds_count{method=\"POST\",route=\"/api/notifications\",status=\"201\"}");
        assertThat(metrics).doesNotContain(device.id);
    }

    @Test
    void housekeepingRemovesDevicesThatOnlyFailedForThirtyDaysAndPrunesOldDeliveries() throws Exception {
        start(Map.of("PUSH_RETRY_MAX_ATTEMPTS", "1"));
        TestPushService.Device dead = pushService.device();
        TestPushService.Device fine = pushService.device();
        dead.answer(TestPushService.Answer.status(500));
        subscribe(dead);
        subscribe(fine);
        String id = server.publish(token, "x").get("id").asText();
        await("both settled", () -> {
            JsonNode ds = deliveries(id);
            return ds.size() == 2
                    && ds.findValuesAsText("state").stream().noneMatch(s -> s.equals("pending") || s.equals("sending"));
        });
        clock.advance(Duration.ofDays(29));
        server.app().push().housekeeping();
        assertThat(server.get("/api/push/subscriptions", token)
                        .json()
                        .get("total")
                        .asInt())
                .isEqualTo(2);
        clock.advance(Duration.ofDays(2));
        server.app().push().housekeeping();
        assertThat(server.get("/api/push/subscriptions", token)
                        .json()
                        .get("total")
                        .asInt())
                .isEqualTo(1);
        assertThat(deliveries(id))
                .as("finished deliveries older than the retention are pruned")
                .isEmpty();
        long bursts = server.app()
                .services()
                .db()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM push_bursts")
                        .mapTo(Long.class)
                        .one());
        assertThat(bursts).as("the removed device's burst counter goes with it").isEqualTo(1);
    }
}
