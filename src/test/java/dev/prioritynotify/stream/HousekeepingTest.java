package dev.prioritynotify.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prioritynotify.http.Json;
import dev.prioritynotify.notification.NewNotification;
import dev.prioritynotify.notification.NotificationFilter;
import dev.prioritynotify.notification.NotificationService;
import dev.prioritynotify.notification.Priority;
import dev.prioritynotify.notification.Status;
import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.store.Ids;
import dev.prioritynotify.support.MutableClock;
import dev.prioritynotify.support.TestDatabases;
import dev.prioritynotify.user.LocalAccounts;
import dev.prioritynotify.user.User;
import dev.prioritynotify.user.UserRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Retention of notifications and pruning of the event log, on both databases. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class HousekeepingTest {
    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestDatabases.Fresh fresh;
    Database db;
    MutableClock clock = MutableClock.atNow();
    NotificationService notifications;
    EventLog log;
    StreamHub hub = new StreamHub(16);
    User alice;

    @BeforeEach
    void open() {
        fresh = TestDatabases.fresh(dialect, tmp);
        db = fresh.openMigrated();
        Ids ids = new Ids(clock);
        notifications = new NotificationService(db, ids, clock, (tx, tokens) -> tokens);
        log = new EventLog(db, hub, Json.mapper(), clock);
        notifications.addListener(log);
        alice = new LocalAccounts(new UserRepository(db), ids, clock).create("alice", false, Optional.empty());
    }

    @AfterEach
    void close() {
        hub.close();
        db.close();
        fresh.close();
    }

    private void create(String title) {
        notifications.create(alice.id(), NewNotification.of(title, null, Priority.LOW, "test"));
    }

    @Test
    void retentionDeletesOnlyNotificationsOlderThanTheCutoff() {
        create("old");
        clock.advance(Duration.ofDays(31));
        create("new");
        int removed = notifications.expireOlderThan(clock.instant().minus(Duration.ofDays(30)), false);
        assertThat(removed).isEqualTo(1);
        assertThat(notifications.list(alice.id(), NotificationFilter.all(10)).items())
                .extracting(n -> n.title())
                .containsExactly("new");
    }

    @Test
    void retentionCanArchiveInsteadOfDeleting() {
        create("old");
        clock.advance(Duration.ofDays(31));
        create("new");
        assertThat(notifications.expireOlderThan(clock.instant().minus(Duration.ofDays(30)), true))
                .isEqualTo(1);
        assertThat(notifications.list(alice.id(), NotificationFilter.all(10)).items())
                .extracting(n -> n.title() + ":" + n.status().wire())
                .containsExactly("new:unread", "old:archived");
        assertThat(notifications.expireOlderThan(clock.instant().minus(Duration.ofDays(30)), true))
                .as("already archived ones are left alone")
                .isZero();
        assertThat(Status.ARCHIVED.wire()).isEqualTo("archived");
    }

    @Test
    void retentionTellsReadersWhatItDeleted() {
        create("old");
        create("older too");
        clock.advance(Duration.ofDays(31));
        create("new");
        assertThat(notifications.expireOlderThan(clock.instant().minus(Duration.ofDays(30)), false))
                .isEqualTo(2);

        List<Event> events = log.read(alice.id(), 3, 100, 100);
        assertThat(events).extracting(Event::type).containsExactly("deleted", "deleted");
        assertThat(events).extracting(Event::seq).containsExactly(4L, 5L);
    }

    @Test
    void retentionTellsReadersWhatItArchived() {
        create("old");
        clock.advance(Duration.ofDays(31));
        assertThat(notifications.expireOlderThan(clock.instant().minus(Duration.ofDays(30)), true))
                .isEqualTo(1);

        assertThat(log.read(alice.id(), 1, 100, 100)).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("status_change");
            assertThat(e.payload()).contains("\"status\":\"archived\"", "\"previous_status\":\"unread\"");
        });
    }

    @Test
    void retentionWorksThroughMoreThanOnePage() {
        for (int i = 0; i < 1_201; i++) {
            create("n" + i);
        }
        clock.advance(Duration.ofDays(31));
        assertThat(notifications.expireOlderThan(clock.instant().minus(Duration.ofDays(30)), false))
                .isEqualTo(1_201);
        assertThat(notifications.list(alice.id(), NotificationFilter.all(10)).total())
                .isZero();
        assertThat(log.currentSeq(alice.id())).isEqualTo(2 * 1_201);
    }

    @Test
    void eventPruningRemovesOldEventsAndReplaySkipsThePrunedRange() {
        create("a");
        create("b");
        clock.advance(Duration.ofDays(8));
        create("c");
        assertThat(log.pruneOlderThan(clock.instant().minus(Duration.ofDays(7))))
                .isEqualTo(2);
        assertThat(log.read(alice.id(), 0, 3, 100)).extracting(Event::seq).containsExactly(3L);
        assertThat(log.currentSeq(alice.id())).isEqualTo(3);
    }
}
