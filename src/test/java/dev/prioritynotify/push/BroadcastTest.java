package dev.prioritynotify.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prioritynotify.app.App;
import dev.prioritynotify.notification.NewNotification;
import dev.prioritynotify.notification.NotificationService;
import dev.prioritynotify.notification.Priority;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.MutableClock;
import dev.prioritynotify.support.SseClient;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.user.User;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.jdbi.v3.core.mapper.RowMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A broadcast writes a chunk of users with a few batched statements. Whatever the batching, each
 * user must end up as if they had been sent the notification alone: one notification, one event
 * with the next number of their own sequence, one push per device that admits it, and their
 * devices' burst counters carried on.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class BroadcastTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    MutableClock clock = MutableClock.atNow();
    TestServer server;
    TestPushService pushService;
    String adminToken;

    void start(Map<String, String> extra) throws Exception {
        Map<String, String> settings = TestPushService.serverSettings(Map.of(
                "PUSH_WORKER_POLL",
                "20ms",
                "PUSH_SUBSCRIBE_LIMIT",
                "1000",
                "PUSH_SUBSCRIBE_LIMIT_PER_ADDRESS",
                "1000"));
        settings.putAll(extra);
        server = TestServer.start(dialect, tmp, settings, clock);
        pushService = TestPushService.start(
                server.get("/api/push/vapid-key", null).json().get("publicKey").asText());
        adminToken = server.token(server.app().services().accounts().create("root", true, Optional.empty()));
    }

    @AfterEach
    void stop() {
        if (pushService != null) {
            pushService.close();
        }
        server.close();
    }

    private TestPushService.Device subscribe(String token, String minPriority) throws Exception {
        TestPushService.Device device = pushService.device();
        String json = device.subscriptionJson().replaceFirst("\\}$", ",\"min_priority\":\"" + minPriority + "\"}");
        assertThat(server.post("/api/push/subscribe", token, json).status()).isEqualTo(201);
        return device;
    }

    private void broadcast(String title, String priority) {
        var r = server.post(
                "/api/notifications/broadcast",
                adminToken,
                "{\"title\":\"" + title + "\",\"priority\":\"" + priority + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    private <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
        return server.app().services().db().jdbi().withHandle(h -> {
            var q = h.createQuery(sql);
            for (int i = 0; i < args.length; i++) {
                q.bind(i, args[i]);
            }
            return q.map(mapper).list();
        });
    }

    private long count(String sql, Object... args) {
        return query(sql, (rs, ctx) -> rs.getLong(1), args).getFirst();
    }

    /** Every user's last event number. */
    private Map<UUID, Long> eventSeqs() {
        return query(
                        "SELECT id, event_seq FROM users",
                        (rs, ctx) -> Map.entry(dialect.uuid(rs, "id"), rs.getLong("event_seq")))
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** For each notification titled so: the user it went to and the number of its event. */
    private Map<UUID, Long> eventSeqsOf(String title) {
        return query("""
                SELECT n.user_id, e.seq FROM notifications n JOIN events e ON e.notification_id = n.id AND e.user_id = n.user_id
                WHERE n.title = ?""", (rs, ctx) -> Map.entry(dialect.uuid(rs, "user_id"), rs.getLong("seq")), title).stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** The title of each notification pushed to the device, with its delivery's state. */
    private Map<String, String> deliveryStates(TestPushService.Device device) {
        return query("""
                SELECT n.title, d.state FROM deliveries d JOIN notifications n ON n.id = d.notification_id
                JOIN push_subscriptions s ON s.id = d.subscription_id WHERE s.endpoint = ?""", (rs, ctx) -> Map.entry(rs.getString("title"), rs.getString("state")), device.endpoint())
                .stream()
                .collect(Collectors.toMap(
                        Map.Entry::getKey, e -> e.getValue().equals("coalesced") ? "coalesced" : "pushed"));
    }

    @Test
    void aBroadcastGivesEachUserOneNotificationTheNextNumberOfTheirOwnSequenceAndOnePushPerAdmittingDevice()
            throws Exception {
        start(Map.of());
        String alice = server.token(server.user("alice"));
        server.publish(alice, "earlier");
        String read = server.publish(alice, "earlier too").get("id").asText();
        assertThat(server.patch("/api/notifications/" + read, alice, "{\"status\":\"read\"}")
                        .status())
                .isEqualTo(200);
        String bob = server.token(server.user("bob"));
        TestPushService.Device bobsPhone = subscribe(bob, "low");
        for (int i = 0; i < 1_000; i++) {
            server.user("user" + i); // two chunks of users (1,000 a chunk)
        }
        String carol = server.token(server.user("carol"));
        TestPushService.Device carolLow = subscribe(carol, "low");
        TestPushService.Device carolMedium = subscribe(carol, "medium");
        TestPushService.Device carolHigh = subscribe(carol, "high");
        TestPushService.Device carolCritical = subscribe(carol, "critical");
        server.publish(carol, "earlier");
        String dave = server.token(server.user("dave"));
        TestPushService.Device davesCriticalOnly = subscribe(dave, "critical");
        assertThat(pushService.await(2, WAIT)).as("carol's earlier pushes").hasSize(2);
        Map<UUID, Long> before = eventSeqs();
        assertThat(before).hasSize(1_005).containsValue(3L).containsValue(1L).containsValue(0L);

        try (SseClient aliceStream = SseClient.connect(server.uri("/api/notifications/stream"), alice, null)) {
            broadcast("maintenance", "high");
            SseClient.Frame frame = aliceStream.next(WAIT.toMillis());
            assertThat(frame).isNotNull();
            assertThat(frame.id()).as("alice's fourth event").isEqualTo("4");
            assertThat(frame.event()).isEqualTo("notification");
            assertThat(frame.data()).contains("\"title\":\"maintenance\"");
        }

        assertThat(count("SELECT COUNT(*) FROM notifications WHERE title = 'maintenance'"))
                .isEqualTo(1_005);
        assertThat(count("""
                SELECT COUNT(*) FROM users u WHERE (SELECT COUNT(*) FROM notifications n WHERE n.user_id = u.id
                AND n.title = 'maintenance') <> 1""")).as("users without exactly one").isZero();
        Map<UUID, Long> next =
                before.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue() + 1));
        assertThat(eventSeqsOf("maintenance"))
                .as("each user's broadcast event is the next of their own sequence")
                .isEqualTo(next);
        assertThat(eventSeqs()).isEqualTo(next);
        assertThat(
                        count(
                                "SELECT COUNT(*) FROM events e JOIN notifications n ON n.id = e.notification_id WHERE n.title = 'maintenance'"))
                .as("one event per notification")
                .isEqualTo(1_005);

        assertThat(deliveryStates(bobsPhone)).isEqualTo(Map.of("maintenance", "pushed"));
        assertThat(deliveryStates(carolLow)).isEqualTo(Map.of("earlier", "pushed", "maintenance", "pushed"));
        assertThat(deliveryStates(carolMedium)).isEqualTo(Map.of("earlier", "pushed", "maintenance", "pushed"));
        assertThat(deliveryStates(carolHigh)).isEqualTo(Map.of("maintenance", "pushed"));
        assertThat(deliveryStates(carolCritical)).isEmpty();
        assertThat(deliveryStates(davesCriticalOnly)).isEmpty();
        assertThat(count("""
                SELECT COUNT(*) FROM deliveries d JOIN notifications n ON n.id = d.notification_id
                JOIN push_subscriptions s ON s.id = d.subscription_id WHERE d.user_id <> n.user_id OR s.user_id <> n.user_id""")).as("deliveries to another user's device").isZero();
        assertThat(pushService.await(6, WAIT))
                .as("four pushes of the broadcast")
                .hasSize(6);
        for (TestPushService.Device d : List.of(bobsPhone, carolLow, carolMedium, carolHigh)) {
            assertThat(d.received().getLast().plaintext()).contains("\"title\":\"maintenance\"");
        }
        // Nothing else arrives (a duplicate, a push to a device that does not admit "high"):
        // nothing is in flight or due any more (see QuietOutbox), so the count is final.
        QuietOutbox.await(server, clock);
        assertThat(pushService.all()).hasSize(6);
    }

    @Test
    void eachUserGetsTheNextNumberOfTheirOwnSequenceWhateverOrderTheBroadcastNamesThemIn() throws Exception {
        start(Map.of());
        List<UUID> users = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            User user = server.user("user" + i);
            users.add(user.id());
            String token = server.token(user);
            for (int k = 0; k < i; k++) {
                server.publish(token, "earlier"); // user i has i events before
            }
        }
        NotificationService service = server.app().services().notifications();
        assertThat(service.createForEach(users.reversed(), NewNotification.of("reversed", null, Priority.LOW, null)))
                .isEqualTo(6);
        Map<UUID, Long> expected = new HashMap<>();
        for (int i = 0; i < users.size(); i++) {
            expected.put(users.get(i), i + 1L);
        }
        assertThat(eventSeqsOf("reversed")).isEqualTo(expected);
    }

    @Test
    void aBurstCarriesOnIntoBroadcastsAndFoldsPastTheLimitPerDeviceButNeverFoldsCritical() throws Exception {
        start(Map.of("PUSH_BURST_LIMIT", "2"));
        String alice = server.token(server.user("alice"));
        TestPushService.Device busy = subscribe(alice, "low");
        server.publish(alice, "single 1");
        server.publish(alice, "single 2");
        TestPushService.Device fresh = subscribe(alice, "low");
        String bob = server.token(server.user("bob"));
        TestPushService.Device bobsPhone = subscribe(bob, "low");

        broadcast("first", "medium");
        broadcast("second", "critical");
        broadcast("third", "high");

        assertThat(deliveryStates(busy))
                .isEqualTo(Map.of(
                        "single 1",
                        "pushed",
                        "single 2",
                        "pushed",
                        "first",
                        "coalesced",
                        "second",
                        "pushed",
                        "third",
                        "coalesced"));
        assertThat(deliveryStates(fresh))
                .isEqualTo(Map.of("first", "pushed", "second", "pushed", "third", "coalesced"));
        assertThat(deliveryStates(bobsPhone))
                .isEqualTo(Map.of("first", "pushed", "second", "pushed", "third", "coalesced"));
        assertThat(query("SELECT pushes FROM push_bursts ORDER BY pushes", (rs, ctx) -> rs.getInt(1)))
                .containsExactly(3, 3, 5);
        assertThat(count("SELECT COUNT(*) FROM deliveries WHERE kind = 'summary'"))
                .as("one summary per device")
                .isEqualTo(3);
        assertThat(pushService.await(7, WAIT)).as("the pushes within the limit").hasSize(7);
        // The folded pushes are not sent and the summaries wait for the end of the window.
        QuietOutbox.await(server, clock);
        assertThat(pushService.all()).hasSize(7);
        assertThat(List.of(
                        busy.received().size(),
                        fresh.received().size(),
                        bobsPhone.received().size()))
                .containsExactly(3, 2, 2);

        clock.advance(Duration.ofMinutes(1));
        assertThat(pushService.await(10, WAIT)).as("the summaries").hasSize(10);
        assertThat(busy.received().getLast().plaintext()).contains("\"title\":\"2 new notifications\"");
        assertThat(bobsPhone.received().getLast().plaintext()).contains("\"title\":\"1 more notification\"");
    }

    @Test
    void broadcastsConcurrentWithSingleCreatesForTheSameUsersNumberEveryUsersEventsWithoutGapsOrDeadlock()
            throws Exception {
        start(Map.of("PUSH_BURST_LIMIT", "1000000"));
        List<UUID> users = new ArrayList<>();
        String firstToken = null;
        for (int i = 0; i < 40; i++) {
            User user = server.user("user" + i);
            String token = server.token(user);
            users.add(user.id());
            firstToken = firstToken == null ? token : firstToken;
            for (int d = 0; d <= i % 2; d++) {
                subscribe(token, "low");
            }
        }
        List<UUID> everyone = server.app().services().users().listIds();
        // PostgreSQL: a second instance, so that only the database orders the two instances' writers.
        App second = dialect == Dialect.POSTGRESQL ? server.startSecondInstance() : server.app();
        try (SseClient stream = SseClient.connect(server.uri("/api/notifications/stream"), firstToken, null)) {
            NotificationService a = server.app().services().notifications();
            NotificationService b = second.services().notifications();
            CountDownLatch go = new CountDownLatch(1);
            List<Callable<Integer>> work = new ArrayList<>();
            work.add(() -> {
                go.await();
                for (int i = 0; i < 4; i++) {
                    a.createForEach(everyone, NewNotification.of("broadcast a" + i, null, Priority.HIGH, null));
                }
                return 4;
            });
            work.add(() -> {
                go.await();
                for (int i = 0; i < 4; i++) {
                    b.createForEach(
                            everyone.reversed(), NewNotification.of("broadcast b" + i, null, Priority.HIGH, null));
                }
                return 4;
            });
            for (int t = 0; t < 4; t++) {
                int thread = t;
                work.add(() -> {
                    go.await();
                    for (int i = 0; i < 40; i++) {
                        NotificationService on = i % 2 == 0 ? a : b;
                        on.create(
                                users.get((thread * 7 + i) % users.size()),
                                NewNotification.of("single", null, Priority.MEDIUM, null));
                    }
                    return 40;
                });
            }
            ExecutorService threads = Executors.newFixedThreadPool(work.size());
            try {
                List<Future<Integer>> done = work.stream().map(threads::submit).toList();
                go.countDown();
                for (Future<Integer> f : done) {
                    f.get(90, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
            // Events committed by the second instance reach this one's stream when the next event
            // of the user does here: the stream fills the gap from the log.
            a.create(users.getFirst(), NewNotification.of("last", null, Priority.MEDIUM, null));

            int notifications = 8 * everyone.size() + 4 * 40 + 1;
            assertThat(count("SELECT COUNT(*) FROM notifications")).isEqualTo(notifications);
            assertThat(count("""
                    SELECT COUNT(*) FROM users u WHERE u.event_seq <> (SELECT COUNT(*) FROM notifications n WHERE n.user_id = u.id)
                    OR u.event_seq <> (SELECT COUNT(*) FROM events e WHERE e.user_id = u.id)
                    OR u.event_seq <> (SELECT COALESCE(MAX(e.seq), 0) FROM events e WHERE e.user_id = u.id)"""))
                    .as("users whose events are not numbered 1..n, one per notification")
                    .isZero();
            assertThat(count("""
                    SELECT COUNT(*) FROM notifications n
                    WHERE (SELECT COUNT(*) FROM events e WHERE e.notification_id = n.id AND e.user_id = n.user_id) <> 1"""))
                    .as("notifications without exactly one event of their user")
                    .isZero();
            assertThat(count("""
                    SELECT COUNT(*) FROM notifications n WHERE (SELECT COUNT(*) FROM deliveries d WHERE d.notification_id = n.id)
                    <> (SELECT COUNT(*) FROM push_subscriptions s WHERE s.user_id = n.user_id)"""))
                    .as("notifications without one push per device")
                    .isZero();

            long last = count("SELECT event_seq FROM users WHERE id = ?", users.getFirst());
            List<Long> ids = new ArrayList<>();
            for (SseClient.Frame f = stream.next(WAIT.toMillis());
                    f != null;
                    f = ids.size() < last ? stream.next(WAIT.toMillis()) : null) {
                ids.add(Long.parseLong(f.id()));
            }
            assertThat(ids)
                    .as("the stream has every event, in order")
                    .isEqualTo(LongStream.rangeClosed(1, last).boxed().toList());
        } finally {
            if (second != server.app()) {
                second.close();
            }
        }
    }
}
