package dev.prioritynotify.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.prioritynotify.http.Json;
import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.store.Ids;
import dev.prioritynotify.store.Transaction;
import dev.prioritynotify.stream.EventLog;
import dev.prioritynotify.stream.StreamHub;
import dev.prioritynotify.support.MutableClock;
import dev.prioritynotify.support.TestDatabases;
import dev.prioritynotify.token.DeviceType;
import dev.prioritynotify.token.Scope;
import dev.prioritynotify.token.TokenService;
import dev.prioritynotify.user.LocalAccounts;
import dev.prioritynotify.user.User;
import dev.prioritynotify.user.UserRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Group commit on both databases: writes that wait while a transaction is open share the next
 * one, keep each user's event order, and a write that fails does not take its group with it. A
 * listener holds the first transaction open until the test has queued the rest, so what forms a
 * group is decided by the test, not by timing.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class GroupCommitTest {
    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestDatabases.Fresh fresh;
    Database db;
    MutableClock clock = MutableClock.atNow();
    NotificationService notifications;
    StreamHub hub = new StreamHub(16);
    Gate gate = new Gate();
    ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    TokenService tokens;
    User alice;
    User bob = null;

    @BeforeEach
    void open() {
        fresh = TestDatabases.fresh(dialect, tmp);
        db = fresh.openMigrated();
        Ids ids = new Ids(clock);
        tokens = new TokenService(db, ids, clock);
        notifications = new NotificationService(db, ids, clock, tokens::stillIssued);
        notifications.addListener(new EventLog(db, hub, Json.mapper(), clock));
        notifications.addListener(gate);
        LocalAccounts accounts = new LocalAccounts(new UserRepository(db), ids, clock);
        alice = accounts.create("alice", false, Optional.empty());
        // Writes are spread over lanes by user (several on PostgreSQL); what these tests hold up
        // is alice's lane, so bob is someone whose writes share it.
        for (int i = 0; bob == null || !sameLane(bob.id(), alice.id()); i++) {
            bob = accounts.create("bob" + i, false, Optional.empty());
        }
    }

    /** Equal modulo 12: in the same lane for any lane count up to four. */
    private static boolean sameLane(UUID a, UUID b) {
        return Math.floorMod(a.hashCode(), 12) == Math.floorMod(b.hashCode(), 12);
    }

    @AfterEach
    void close() {
        gate.open();
        requests.close();
        notifications.close();
        hub.close();
        db.close();
        fresh.close();
    }

    @Test
    void writesQueuedBehindAnOpenTransactionCommitTogetherAndKeepEachUsersOrder() throws Exception {
        Future<Notification> first = holdFirstTransaction();
        List<Future<Notification>> queued = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            UUID user = i % 2 == 0 ? alice.id() : bob.id();
            queued.add(requests.submit(() -> create(user, "queued")));
        }
        awaitWaiting(20);
        gate.open();

        List<Notification> created = new ArrayList<>(List.of(first.get(10, TimeUnit.SECONDS)));
        for (Future<Notification> f : queued) {
            created.add(f.get(10, TimeUnit.SECONDS));
        }
        // The held transaction had one create; the twenty that waited for it went into one more.
        assertThat(gate.createdGroups()).containsExactly(1, 20);
        assertThat(created).extracting(Notification::id).doesNotHaveDuplicates();
        assertThat(eventsOf(alice.id())).hasSize(11);
        assertThat(eventsOf(bob.id())).hasSize(10);
        assertEveryNotificationHasOneEvent(alice.id());
        assertEveryNotificationHasOneEvent(bob.id());
    }

    @Test
    void aWriteThatFailsFailsAloneAndLeavesNothingHalfWritten() throws Exception {
        Future<Notification> first = holdFirstTransaction();
        List<Future<Notification>> good = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            good.add(requests.submit(() -> create(alice.id(), "good")));
        }
        UUID nobody = UUID.randomUUID(); // no such user: its rows break the group's batch
        while (!sameLane(nobody, alice.id())) {
            nobody = UUID.randomUUID();
        }
        UUID stranger = nobody;
        Future<Notification> bad = requests.submit(() -> create(stranger, "bad"));
        for (int i = 0; i < 5; i++) {
            good.add(requests.submit(() -> create(bob.id(), "good")));
        }
        awaitWaiting(11);
        gate.open();

        first.get(10, TimeUnit.SECONDS);
        for (Future<Notification> f : good) {
            assertThat(f.get(10, TimeUnit.SECONDS).title()).isEqualTo("good");
        }
        assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(RuntimeException.class);
        assertThat(count("SELECT COUNT(*) FROM notifications WHERE user_id = :u", nobody))
                .isZero();
        assertThat(count("SELECT COUNT(*) FROM events WHERE user_id = :u", nobody))
                .isZero();
        assertThat(eventsOf(alice.id())).hasSize(6);
        assertThat(eventsOf(bob.id())).hasSize(5);
        assertEveryNotificationHasOneEvent(alice.id());
        assertEveryNotificationHasOneEvent(bob.id());
    }

    @Test
    void aCreateWhoseTokenWasRevokedIsRefusedAndItsGroupCommits() throws Exception {
        UUID kept = issue(alice.id());
        UUID revoked = issue(alice.id());
        // Revoked before the writes reach their transaction (on SQLite a revocation would wait for
        // the held one): the create still carries it as a token to confirm, as a request whose
        // token this instance remembers would.
        assertThat(tokens.revoke(revoked)).isTrue();
        Future<Notification> first = holdFirstTransaction();
        Future<Notification> allowed = requests.submit(() -> notifications.create(
                alice.id(), NewNotification.of("kept", null, Priority.LOW, "t"), Optional.of(kept)));
        Future<Notification> refused = requests.submit(() -> notifications.create(
                alice.id(), NewNotification.of("revoked", null, Priority.LOW, "t"), Optional.of(revoked)));
        awaitWaiting(2);
        gate.open();

        first.get(10, TimeUnit.SECONDS);
        assertThat(allowed.get(10, TimeUnit.SECONDS).title()).isEqualTo("kept");
        assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(NotificationService.TokenRevoked.class);
        assertThat(eventsOf(alice.id())).hasSize(2);
        assertThat(count("SELECT COUNT(*) FROM notifications WHERE user_id = :u", alice.id()))
                .isEqualTo(2);
    }

    private UUID issue(UUID userId) {
        return tokens.issue(userId, "t", DeviceType.SCRIPT, EnumSet.of(Scope.PUBLISH), Optional.empty())
                .token()
                .id();
    }

    @Test
    void statusChangesAndDeletesShareAGroupWithCreates() throws Exception {
        Notification toRead = create(alice.id(), "to read");
        Notification toDelete = create(alice.id(), "to delete");
        gate.reset();
        Future<Notification> first = holdFirstTransaction();
        Future<Optional<Notification>> read =
                requests.submit(() -> notifications.updateStatus(alice.id(), toRead.id(), Status.READ));
        Future<Boolean> deleted = requests.submit(() -> notifications.delete(alice.id(), toDelete.id()));
        Future<Notification> later = requests.submit(() -> create(alice.id(), "later"));
        Future<Boolean> missing = requests.submit(() -> notifications.delete(alice.id(), UUID.randomUUID()));
        awaitWaiting(4);
        gate.open();

        first.get(10, TimeUnit.SECONDS);
        assertThat(read.get(10, TimeUnit.SECONDS)).map(Notification::status).contains(Status.READ);
        assertThat(deleted.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(missing.get(10, TimeUnit.SECONDS)).isFalse();
        later.get(10, TimeUnit.SECONDS);
        // Two creates, the held one, then the next group: its creates first, then the status change
        // and the delete in the order they were submitted (two requests at once: either order).
        List<String> events = eventsOf(alice.id());
        assertThat(events.subList(0, 4)).containsOnly("notification");
        assertThat(events.subList(4, events.size())).containsExactlyInAnyOrder("status_change", "deleted");
        assertThat(notifications.find(alice.id(), toDelete.id())).isEmpty();
    }

    @Test
    void aBroadcastIsGroupedAndEveryUserGetsOneNotificationAndEvent() {
        LocalAccounts accounts = new LocalAccounts(new UserRepository(db), new Ids(clock), clock);
        List<UUID> users = new ArrayList<>(List.of(alice.id(), bob.id()));
        for (int i = 0; i < 1200; i++) {
            users.add(accounts.create("user" + i, false, Optional.empty()).id());
        }
        int created = notifications.createForEach(users, NewNotification.of("all", null, Priority.LOW, "test"));
        assertThat(created).isEqualTo(users.size());
        assertThat(gate.createdGroups()).allMatch(size -> size <= GroupCommit.MAX_GROUP);
        assertThat(gate.createdGroups().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(users.size());
        assertThat(gate.createdGroups().size()).isLessThan(users.size() / 10);
        assertThat(count(
                        "SELECT COUNT(*) FROM events WHERE type = 'notification' AND user_id <> :u", UUID.randomUUID()))
                .isEqualTo(users.size());
    }

    @Test
    void afterCloseWritesAreRefusedAndQueuedOnesStillCommit() throws Exception {
        Future<Notification> first = holdFirstTransaction();
        Future<Notification> queued = requests.submit(() -> create(alice.id(), "queued"));
        awaitWaiting(1);
        Future<?> closing = requests.submit(notifications::close);
        gate.open();
        closing.get(10, TimeUnit.SECONDS);
        first.get(10, TimeUnit.SECONDS);
        assertThat(queued.get(10, TimeUnit.SECONDS).title()).isEqualTo("queued");
        assertThatThrownBy(() -> create(alice.id(), "too late"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("shutting down");
    }

    /** Starts a create whose transaction stays open (inside the gate) until {@link Gate#open}. */
    private Future<Notification> holdFirstTransaction() {
        gate.close();
        Future<Notification> first = requests.submit(() -> create(alice.id(), "first"));
        await("the first transaction is open").atMost(Duration.ofSeconds(10)).until(gate::someoneWaiting);
        return first;
    }

    private void awaitWaiting(int writes) {
        await("writes queued behind the open transaction")
                .atMost(Duration.ofSeconds(10))
                .until(() -> notifications.writesWaiting() == writes);
    }

    private Notification create(UUID userId, String title) {
        return notifications.create(userId, NewNotification.of(title, null, Priority.LOW, "test"));
    }

    /** The user's event types in sequence order, checking that the sequence has no gap. */
    private List<String> eventsOf(UUID userId) {
        List<Map<String, Object>> rows = db.jdbi()
                .withHandle(h -> h.createQuery("SELECT seq, type FROM events WHERE user_id = :u ORDER BY seq")
                        .bind("u", userId)
                        .mapToMap()
                        .list());
        for (int i = 0; i < rows.size(); i++) {
            assertThat(((Number) rows.get(i).get("seq")).longValue()).isEqualTo(i + 1);
        }
        return rows.stream().map(r -> (String) r.get("type")).toList();
    }

    private void assertEveryNotificationHasOneEvent(UUID userId) {
        long withoutOne = count("""
                SELECT COUNT(*) FROM notifications n WHERE n.user_id = :u AND 1 <> (
                  SELECT COUNT(*) FROM events e WHERE e.notification_id = n.id AND e.type = 'notification')""", userId);
        assertThat(withoutOne).isZero();
    }

    private long count(String sql, UUID userId) {
        return db.jdbi()
                .withHandle(h ->
                        h.createQuery(sql).bind("u", userId).mapTo(Long.class).one());
    }

    /** A listener that can hold a transaction open, and remembers the size of each group of creates. */
    static final class Gate implements NotificationListener {
        private volatile CountDownLatch latch = new CountDownLatch(0);
        private volatile boolean waiting;
        private final List<Integer> createdGroups = new CopyOnWriteArrayList<>();

        void close() {
            latch = new CountDownLatch(1);
        }

        void open() {
            latch.countDown();
        }

        void reset() {
            createdGroups.clear();
        }

        boolean someoneWaiting() {
            return waiting;
        }

        List<Integer> createdGroups() {
            return createdGroups;
        }

        @Override
        public Runnable record(Transaction transaction, NotificationChange change) {
            return () -> {};
        }

        @Override
        public Runnable recordCreated(Transaction transaction, List<Notification> created) {
            createdGroups.add(created.size());
            waiting = true;
            try {
                if (!latch.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                waiting = false;
            }
            return () -> {};
        }
    }
}
