package dev.prioritynotify.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.ServerProcess;
import dev.prioritynotify.support.TestDatabases;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code kill -9} in the middle of a burst of grouped creates: the real server as its own process,
 * sixteen clients creating as fast as it answers, SIGKILL once a few hundred have been answered.
 * Every notification answered 201 is in the database after the kill; nothing is half-written
 * (each notification has its one event and each event its notification, one user's events
 * numbered without a gap); and a restarted server goes on numbering from there.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class GroupCommitCrashTest {
    private static final int CLIENTS = 16;

    @Parameter
    Dialect dialect;

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
    @Timeout(180)
    void killedDuringABurst_losesNoAnsweredNotificationAndLeavesNoneHalfWritten() throws Exception {
        TestDatabases.Fresh fresh = TestDatabases.fresh(dialect, tmp);
        cleanup.add(fresh);
        Map<String, String> env = new HashMap<>(fresh.settings());
        env.put("DATA_DIR", tmp.resolve("data").toString());
        env.put("SECRET_KEY", "group-commit-crash-test-secret-0123456789");
        env.put("LOG_LEVEL", "WARN");
        ServerProcess.cli(env, "user", "create", "alice");
        String token = ServerProcess.cli(env, "token", "create", "--user", "alice", "--name", "burst")
                .strip();
        ServerProcess server = ServerProcess.start("GroupCommitCrashTest-" + dialect, env, Duration.ofSeconds(30));
        cleanup.add(server);

        Set<String> answered = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch enough = new CountDownLatch(400);
        List<Future<Void>> running = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                running.add(clients.submit(() -> {
                    for (int i = 0; i < 5_000 && server.isAlive(); i++) {
                        try {
                            var r = server.post(
                                    "/api/notifications/", token, "{\"title\":\"c" + client + " n" + i + "\"}");
                            if (r.status() != 201) {
                                refused.incrementAndGet();
                                continue;
                            }
                            answered.add(r.json().get("id").asText());
                            enough.countDown();
                        } catch (IOException e) {
                            return null; // the kill cut this request off: its outcome is unknown, and allowed either
                            // way
                        }
                    }
                    return null;
                }));
            }
            assertThat(enough.await(60, TimeUnit.SECONDS))
                    .as("400 creates answered; server log:%n%s", server.tail())
                    .isTrue();
            server.kill();
            for (Future<Void> f : running) {
                f.get(30, TimeUnit.SECONDS); // a client that failed other than by the kill fails the test
            }
        }
        assertThat(refused.get()).as("creates refused before the kill").isZero();

        try (Database db = fresh.openMigrated()) {
            Set<String> stored = Set.copyOf(strings(db, "SELECT id FROM notifications"));
            assertThat(stored).containsAll(answered);
            assertThat(number(db, """
                    SELECT COUNT(*) FROM notifications n WHERE 1 <> (
                      SELECT COUNT(*) FROM events e WHERE e.notification_id = n.id AND e.type = 'notification')"""))
                    .as("notifications without exactly one event")
                    .isZero();
            assertThat(number(db, """
                    SELECT COUNT(*) FROM events e
                    WHERE NOT EXISTS (SELECT 1 FROM notifications n WHERE n.id = e.notification_id)""")).as("events without their notification").isZero();
            long events = number(db, "SELECT COUNT(*) FROM events");
            assertThat(number(db, "SELECT MIN(seq) FROM events")).isEqualTo(1);
            assertThat(number(db, "SELECT MAX(seq) FROM events")).isEqualTo(events);
            assertThat(number(db, "SELECT event_seq FROM users")).isEqualTo(events);
            System.out.println("GroupCommitCrashTest-" + dialect + ": " + answered.size() + " answered, "
                    + stored.size() + " stored at the kill");
        }

        ServerProcess again =
                ServerProcess.start("GroupCommitCrashTest-" + dialect + "-2", env, Duration.ofSeconds(30));
        cleanup.add(again);
        var after = again.post("/api/notifications/", token, "{\"title\":\"after the restart\"}");
        assertThat(after.status()).isEqualTo(201);
        try (Database db = fresh.openMigrated()) {
            long events = number(db, "SELECT COUNT(*) FROM events");
            assertThat(number(db, "SELECT MAX(seq) FROM events")).isEqualTo(events);
        }
    }

    private static List<String> strings(Database db, String sql) {
        return db.jdbi()
                .withHandle(h ->
                        h.createQuery(sql).map((rs, ctx) -> rs.getString(1)).list());
    }

    private static long number(Database db, String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }
}
