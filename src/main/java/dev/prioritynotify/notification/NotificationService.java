package dev.prioritynotify.notification;

import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Ids;
import dev.prioritynotify.store.Transaction;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, changes and deletes notifications. Each change and everything its listeners record
 * commit in one transaction; listeners' after-commit actions run only once it has committed.
 */
public final class NotificationService {
    private static final Logger log = LoggerFactory.getLogger(NotificationService.class);

    private final Database db;
    private final NotificationRepository notifications;
    private final Ids ids;
    private final InstantSource clock;
    private final List<NotificationListener> listeners = new CopyOnWriteArrayList<>();
    /**
     * One user's changes are serialised anyway (by the row lock on their event sequence, or by
     * SQLite's single writer). Holding a per-user lock across commit and the after-commit actions
     * as well makes listeners see each user's changes in commit order: the stream then never
     * sees a gap it has to fill from the database.
     */
    private final ReentrantLock[] userLocks = new ReentrantLock[256];
    /**
     * Users per broadcast transaction. Each commit writes out the pages the chunk dirtied
     * (notifications, events, users' sequences, devices' counters, deliveries), so larger chunks
     * write less in all: 10,000 users took about 1.6 s in chunks of 1,000 against 2 to 2.8 s in chunks of 200
     * (docs/benchmarks.md). The cost is a longer hold on the writer (SQLite) or on the chunk's
     * user rows (PostgreSQL), about a tenth of a second.
     */
    private static final int BROADCAST_CHUNK = 1000;
    /** Expired notifications read per page and changed per transaction of one user. */
    private static final int RETENTION_BATCH = 500;

    public NotificationService(Database db, Ids ids, InstantSource clock) {
        this.db = db;
        this.notifications = new NotificationRepository(db);
        this.ids = ids;
        this.clock = clock;
        for (int i = 0; i < userLocks.length; i++) {
            userLocks[i] = new ReentrantLock();
        }
    }

    /** Called while the application is wired, before it serves requests. */
    public void addListener(NotificationListener listener) {
        listeners.add(listener);
    }

    public Notification create(UUID userId, NewNotification n) {
        // Millisecond precision: both databases keep at least that, so what we answer equals what we store.
        Notification created = newNotification(userId, n, clock.instant().truncatedTo(ChronoUnit.MILLIS));
        change(userId, List.of(h -> {
            notifications.insert(h, created);
            return new NotificationChange.Created(created);
        }));
        return created;
    }

    /**
     * The same notification for many users (a broadcast), once per user however often the list
     * names them, committed a chunk of users per transaction rather than one transaction each:
     * every notification still gets its own event and pushes, in the same transaction as itself.
     * A chunk is written in a handful of batched statements ({@link NotificationListener#recordCreated}),
     * not several per user. The chunk's user locks are taken in stripe order, so concurrent
     * broadcasts and single creates never deadlock.
     *
     * @return how many notifications were created
     */
    public int createForEach(List<UUID> userIds, NewNotification n) {
        List<UUID> users = userIds.stream().distinct().toList();
        int created = 0;
        for (int from = 0; from < users.size(); from += BROADCAST_CHUNK) {
            List<UUID> chunk = users.subList(from, Math.min(users.size(), from + BROADCAST_CHUNK));
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            List<ReentrantLock> locks = chunk.stream()
                    .mapToInt(this::stripeOf)
                    .distinct()
                    .sorted()
                    .mapToObj(i -> userLocks[i])
                    .toList();
            locks.forEach(ReentrantLock::lock);
            try {
                List<Notification> batch = chunk.stream()
                        .map(userId -> newNotification(userId, n, now))
                        .toList();
                List<Runnable> afterCommit = db.inTransaction(h -> {
                    notifications.insertAll(h, batch);
                    List<Runnable> actions = new ArrayList<>(listeners.size());
                    for (NotificationListener listener : listeners) {
                        actions.add(listener.recordCreated(new Transaction(h), batch));
                    }
                    return actions;
                });
                runAll(afterCommit);
            } finally {
                locks.forEach(ReentrantLock::unlock);
            }
            created += chunk.size();
        }
        return created;
    }

    public Page<Notification> list(UUID userId, NotificationFilter filter) {
        return notifications.list(userId, filter);
    }

    public Optional<Notification> find(UUID userId, UUID id) {
        return notifications.find(userId, id);
    }

    /** Several notifications at once, whoever owns them (for the push workers, which check the owner themselves). */
    public List<Notification> findByIds(Collection<UUID> ids) {
        return notifications.findByIds(ids);
    }

    /** @return the notification as it is now, or empty when the user has no such notification */
    public Optional<Notification> updateStatus(UUID userId, UUID id, Status status) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<Notification> result = new ArrayList<>(1);
        change(userId, List.of(h -> setStatus(h, userId, id, status, now, result)));
        return result.stream().findFirst();
    }

    public boolean delete(UUID userId, UUID id) {
        List<Notification> deleted = new ArrayList<>(1);
        change(userId, List.of(h -> remove(h, userId, id, deleted)));
        return !deleted.isEmpty();
    }

    /**
     * Retention: deletes (or archives) the notifications created before {@code cutoff}. Each one
     * goes through the same path as a reader's own delete or archive, so it gets its event and
     * open streams drop or re-mark it; a user's expired notifications are changed
     * {@link #RETENTION_BATCH} per transaction.
     *
     * @return how many were deleted (or archived)
     */
    public int expireOlderThan(Instant cutoff, boolean archive) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        int expired = 0;
        while (true) {
            List<Notification> due = notifications.expiring(cutoff, archive, RETENTION_BATCH);
            int before = expired;
            Map<UUID, List<Notification>> byUser = due.stream()
                    .collect(Collectors.groupingBy(Notification::userId, LinkedHashMap::new, Collectors.toList()));
            for (Map.Entry<UUID, List<Notification>> user : byUser.entrySet()) {
                List<Notification> changed = new ArrayList<>(user.getValue().size());
                change(
                        user.getKey(),
                        user.getValue().stream()
                                .<Change>map(n -> archive
                                        ? h -> setStatus(h, n.userId(), n.id(), Status.ARCHIVED, now, changed)
                                        : h -> remove(h, n.userId(), n.id(), changed))
                                .toList());
                expired += changed.size();
            }
            if (due.size() < RETENTION_BATCH || expired == before) {
                return expired; // the last page, or nothing left that a change applies to
            }
        }
    }

    /** Adds the notification as it is afterwards to {@code result}; the change, or null when the status was already that. */
    private NotificationChange setStatus(
            Handle h, UUID userId, UUID id, Status status, Instant now, List<Notification> result) {
        Optional<Notification> current = notifications.find(h, userId, id);
        if (current.isEmpty()) {
            return null;
        }
        Notification before = current.get();
        Notification after = before.withStatus(status, now);
        result.add(after);
        if (after.equals(before)) {
            return null; // nothing changed: nothing to record or announce
        }
        notifications.updateStatus(h, after);
        return new NotificationChange.StatusChanged(after, before.status());
    }

    /** Adds the deleted notification to {@code deleted}; the change, or null when there was no such notification. */
    private NotificationChange remove(Handle h, UUID userId, UUID id, List<Notification> deleted) {
        Optional<Notification> current = notifications.find(h, userId, id);
        if (current.isEmpty()) {
            return null;
        }
        notifications.delete(h, current.get());
        deleted.add(current.get());
        return new NotificationChange.Deleted(current.get());
    }

    private Notification newNotification(UUID userId, NewNotification n, Instant now) {
        return new Notification(
                ids.next(),
                userId,
                n.title(),
                n.message().orElse(null),
                n.priority(),
                Status.UNREAD,
                n.source().orElse(null),
                n.url().orElse(null),
                n.tag().orElse(null),
                n.metadata().orElse(null),
                now,
                null);
    }

    private int stripeOf(UUID userId) {
        return Math.floorMod(userId.hashCode(), userLocks.length);
    }

    /** Inside the change's transaction: each listener records its part; their after-commit actions are returned. */
    private List<Runnable> recordWithListeners(Handle h, NotificationChange change) {
        List<Runnable> actions = new ArrayList<>(listeners.size());
        for (NotificationListener listener : listeners) {
            actions.add(listener.record(new Transaction(h), change));
        }
        return actions;
    }

    private static void runAll(List<Runnable> afterCommit) {
        for (Runnable action : afterCommit) {
            try {
                action.run();
            } catch (RuntimeException e) {
                // The change is committed; a failed wake-up is caught up by polling and replay.
                log.warn("after-commit action failed", e);
            }
        }
    }

    private interface Change {
        /** @return the change made, or null when there was none */
        NotificationChange apply(Handle h);
    }

    /** Applies one user's changes in one transaction, each recorded by the listeners as it is made. */
    private void change(UUID userId, List<Change> work) {
        ReentrantLock userLock = userLocks[stripeOf(userId)];
        userLock.lock();
        try {
            List<Runnable> afterCommit = db.inTransaction(h -> {
                List<Runnable> actions = new ArrayList<>();
                for (Change c : work) {
                    NotificationChange change = c.apply(h);
                    if (change != null) {
                        actions.addAll(recordWithListeners(h, change));
                    }
                }
                return actions;
            });
            runAll(afterCommit);
        } finally {
            userLock.unlock();
        }
    }
}
