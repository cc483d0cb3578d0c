package dev.prioritynotify.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.ServerProcess;
import dev.prioritynotify.support.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server processes on one PostgreSQL schema drain one outbox: notifications are created on
 * both while the push service is down, then it comes up and both instances race for the same
 * backlog (claims with {@code FOR UPDATE SKIP LOCKED}). Every (notification, device) push must
 * arrive exactly once. Child process logs: {@code target/process-logs/}.
 */
class TwoInstancesTest {
    private static final int NOTIFICATIONS = 300;

    @TempDir
    Path tmp;

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
    }

    @Test
    @Timeout(120)
    void twoInstancesOnOnePostgresDeliverEveryPushExactlyOnce() throws Exception {
        TestDatabases.Fresh db = TestDatabases.fresh(Dialect.POSTGRESQL, tmp);
        cleanup.add(db);
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", db.jdbcUrl());
        // One secret for both: the generated VAPID key is stored encrypted with it.
        env.put("SECRET_KEY", "two-instances-test-secret-key-0123456789");
        env.putAll(TestPushService.serverSettings(Map.of()));
        env.put("PUSH_RETRY_BASE", "200ms");
        env.put("PUSH_RETRY_MAX_DELAY", "1s");
        env.put("PUSH_RETRY_MAX_ATTEMPTS", "100");
        env.put("PUSH_WORKER_POLL", "200ms");
        env.put("PUSH_BURST_LIMIT", "1000000");
        // Small claims, so that the backlog is taken in many rounds by both instances.
        env.put("PUSH_CLAIM_BATCH", "16");

        Map<String, String> envA = new HashMap<>(env);
        envA.put("DATA_DIR", tmp.resolve("a").toString());
        Map<String, String> envB = new HashMap<>(env);
        envB.put("DATA_DIR", tmp.resolve("b").toString());
        ServerProcess.cli(envA, "user", "create", "alice");
        String token = ServerProcess.cli(envA, "token", "create", "--user", "alice", "--name", "two-instances")
                .strip();
        // One after the other: the first migrates the schema and generates the VAPID key.
        ServerProcess a = ServerProcess.start("TwoInstancesTest-a", envA, Duration.ofSeconds(30));
        cleanup.add(a);
        ServerProcess b = ServerProcess.start("TwoInstancesTest-b", envB, Duration.ofSeconds(30));
        cleanup.add(b);
        String key = CrashSafetyTest.vapidKey(a);
        assertThat(CrashSafetyTest.vapidKey(b)).isEqualTo(key);

        TestPushService push = TestPushService.start(key, ServerProcess.freePort());
        cleanup.add(push);
        TestPushService.Device laptop = push.device();
        TestPushService.Device phone = push.device();
        push.down();
        assertThat(a.post("/api/push/subscribe", token, laptop.subscriptionJson())
                        .status())
                .isEqualTo(201);
        assertThat(b.post("/api/push/subscribe", token, phone.subscriptionJson())
                        .status())
                .isEqualTo(201);

        var onA = CompletableFuture.supplyAsync(() -> create(a, token));
        var onB = CompletableFuture.supplyAsync(() -> create(b, token));
        List<String> ids = new ArrayList<>(onA.get(60, java.util.concurrent.TimeUnit.SECONDS));
        ids.addAll(onB.get(60, java.util.concurrent.TimeUnit.SECONDS));
        assertThat(ids).hasSize(NOTIFICATIONS).doesNotHaveDuplicates();
        // Both instances go round failed attempts on the same rows: each has failed more pushes
        // than its own notifications handed it (NOTIFICATIONS), so it has retried rows claimed
        // from the one backlog both share.
        for (ServerProcess instance : List.of(a, b)) {
            await("failed retries on " + instance.baseUrl())
                    .atMost(Duration.ofSeconds(30))
                    .until(() ->
                            instance.metric("push_notifications_sent_total", "result=\"retryable\"") > NOTIFICATIONS);
        }
        push.up();

        int expected = 2 * NOTIFICATIONS;
        // Instead of a time after which anything sent twice would have arrived: a push is sent
        // (again) only from a row that is pending or sending, and a row leaves 'sending' only
        // once the push service's answer is in, which it gives after recording the request. So
        // once no row of the shared outbox is pending or sending, every request either instance
        // made has arrived, and none can follow (leases are minutes long: none expires here).
        try {
            await("every delivery row finished")
                    .atMost(Duration.ofSeconds(45))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> a.metric("push_deliveries_pending", "") == 0);
        } catch (ConditionTimeoutException e) {
            // The assertions below say what is missing, with both servers' logs.
        }
        long byA = delivered(a);
        long byB = delivered(b);
        // And the instances stop in an orderly way, so that nothing of theirs is on its way.
        a.stop(Duration.ofSeconds(15));
        b.stop(Duration.ofSeconds(15));
        push.awaitIdle(Duration.ofSeconds(10));
        List<TestPushService.Received> all = push.all();
        Map<String, Long> perPair = all.stream()
                .collect(Collectors.groupingBy(
                        r -> r.deviceId() + "/" + CrashSafetyTest.notificationId(r),
                        TreeMap::new,
                        Collectors.counting()));
        Map<String, Long> twice = perPair.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        Map<String, Long> states = states(db.jdbcUrl());
        System.out.println("TwoInstancesTest: " + all.size() + " pushes arrived for " + perPair.size()
                + " (notification, device) pairs, " + twice.size() + " twice; delivered by a: " + byA + ", by b: " + byB
                + "; delivery states " + states);
        assertThat(twice).as("pushes that arrived more than once").isEmpty();
        assertThat(all.size()).as("server logs:%n%s%n%s", a.tail(), b.tail()).isEqualTo(expected);
        assertThat(perPair.keySet()).hasSize(expected);
        for (String id : ids) {
            assertThat(perPair).containsKey(laptop.id + "/" + id).containsKey(phone.id + "/" + id);
        }
        assertThat(push.vapidErrors()).isEmpty();
        assertThat(states).isEqualTo(Map.of("delivered", (long) expected));
        assertThat(byA + byB).isEqualTo(expected);
    }

    /** The instance's own count of pushes the push service accepted, from its {@code /metrics}. */
    private static long delivered(ServerProcess server) throws Exception {
        return (long) server.metric("push_notifications_sent_total", "result=\"delivered\"");
    }

    private static List<String> create(ServerProcess server, String token) {
        try {
            return CrashSafetyTest.createNotifications(server, token, NOTIFICATIONS / 2);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Long> states(String jdbcUrl) throws Exception {
        Map<String, Long> states = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT state, COUNT(*) FROM deliveries GROUP BY state")) {
            while (rs.next()) {
                states.put(rs.getString(1), rs.getLong(2));
            }
        }
        return states;
    }
}
