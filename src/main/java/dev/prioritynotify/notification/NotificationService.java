package dev.prioritynotify.notification;

import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Ids;
import dev.prioritynotify.store.Transaction;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/**
 * Creates, changes and deletes notifications. Each change and everything its listeners record
 * commit in one transaction; listeners' after-commit actions run only once it has committed.
 * Concurrent changes share transactions ({@link GroupCommit}): a request is answered when the
 * transaction holding its change has committed.
 */
public final class NotificationService implements AutoCloseable {
    private final NotificationRepository notifications;
    private final Ids ids;
    private final InstantSource clock;
    private final List<NotificationListener> listeners = new CopyOnWriteArrayList<>();
    private final GroupCommit writes;
    private final IssuedTokens issuedTokens;
    /** Expired notifications read per page; their changes are grouped like any others. */
    private static final int RETENTION_BATCH = 500;

    /**
     * What a create confirms in its transaction when its request's API token was taken from memory
     * rather than read ({@code tokenToConfirm} of {@link #create(UUID, NewNotification, Optional)}).
     */
    @FunctionalInterface
    public interface IssuedTokens {
        /** Of these tokens, the ones not revoked, read inside the transaction. */
        Set<UUID> stillIssued(Transaction tx, Set<UUID> tokenIds);
    }

    /** A create whose API token was revoked before its transaction: the request is refused, nothing is written. */
    public static final class TokenRevoked extends RuntimeException {
        TokenRevoked() {
            super("the API token was revoked", null, false, false);
        }
    }

    public NotificationService(Database db, Ids ids, InstantSource clock, IssuedTokens issuedTokens) {
        this.notifications = new NotificationRepository(db);
        this.ids = ids;
        this.clock = clock;
        this.issuedTokens = issuedTokens;
        this.writes = new GroupCommit(db, this::apply);
    }

    /** Called while the application is wired, before it serves requests. */
    public void addListener(NotificationListener listener) {
        listeners.add(listener);
    }

    public Notification create(UUID userId, NewNotification n) {
        return create(userId, n, Optional.empty());
    }

    /**
     * @param tokenToConfirm the API token the request came with, when it was not read for this
     *     request: the create's transaction checks it still exists, and throws {@link TokenRevoked}
     *     (writing nothing) when it does not
     */
    public Notification create(UUID userId, NewNotification n, Optional<UUID> tokenToConfirm) {
        // Millisecond precision: both databases keep at least that, so what we answer equals what we store.
        Notification created = newNotification(userId, n, clock.instant().truncatedTo(ChronoUnit.MILLIS));
        return writes.run(new Creating(created, tokenToConfirm));
    }

    /**
     * The same notification for many users (a broadcast), once per user however often the list
     * names them. Every notification is a create of its own on the same path as a single one (its
     * own event and pushes, in the same transaction as itself); being submitted together, they
     * fill groups of {@link GroupCommit#MAX_GROUP}, which listeners write in a handful of batched
     * statements ({@link NotificationListener#recordCreated}).
     *
     * @return how many notifications were created
     */
    public int createForEach(List<UUID> userIds, NewNotification n) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<Creating> all = userIds.stream()
                .distinct()
                .map(userId -> new Creating(newNotification(userId, n, now), Optional.empty()))
                .toList();
        writes.submit(all);
        all.forEach(Creating::await);
        return all.size();
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
        return writes.run(new Changing<>(userId, h -> setStatus(h, userId, id, status, now)));
    }

    public boolean delete(UUID userId, UUID id) {
        return writes.run(new Changing<>(userId, h -> remove(h, userId, id))).isPresent();
    }

    /**
     * Retention: deletes (or archives) the notifications created before {@code cutoff}. Each one
     * goes through the same path as a reader's own delete or archive, so it gets its event and
     * open streams drop or re-mark it; a page of {@link #RETENTION_BATCH} is submitted at once and
     * committed in groups.
     *
     * @return how many were deleted (or archived)
     */
    public int expireOlderThan(Instant cutoff, boolean archive) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        int expired = 0;
        while (true) {
            List<Notification> due = notifications.expiring(cutoff, archive, RETENTION_BATCH);
            List<Changing<Optional<Notification>>> changes = due.stream()
                    .map(n -> new Changing<>(
                            n.userId(),
                            archive
                                    ? h -> setStatus(h, n.userId(), n.id(), Status.ARCHIVED, now)
                                    : h -> remove(h, n.userId(), n.id())))
                    .toList();
            writes.submit(changes);
            int before = expired;
            for (Changing<Optional<Notification>> c : changes) {
                if (c.await().isPresent()) {
                    expired++;
                }
            }
            if (due.size() < RETENTION_BATCH || expired == before) {
                return expired; // the last page, or nothing left that a change applies to
            }
        }
    }

    /** Changes submitted and waiting for a transaction: how deep the write queue is right now. */
    public int writesWaiting() {
        return writes.waiting();
    }

    /** Lets the changes already submitted commit; called at shutdown, once requests have stopped. */
    @Override
    public void close() {
        writes.close();
    }

    /** The notification as it is afterwards (empty when there is none) and the change, null when the status was already that. */
    private Outcome<Optional<Notification>> setStatus(Handle h, UUID userId, UUID id, Status status, Instant now) {
        Optional<Notification> current = notifications.find(h, userId, id);
        if (current.isEmpty()) {
            return new Outcome<>(Optional.empty(), null);
        }
        Notification before = current.get();
        Notification after = before.withStatus(status, now);
        if (after.equals(before)) {
            return new Outcome<>(Optional.of(after), null); // nothing changed: nothing to record or announce
        }
        notifications.updateStatus(h, after);
        return new Outcome<>(Optional.of(after), new NotificationChange.StatusChanged(after, before.status()));
    }

    /** The deleted notification (empty when there was none) and the change. */
    private Outcome<Optional<Notification>> remove(Handle h, UUID userId, UUID id) {
        Optional<Notification> current = notifications.find(h, userId, id);
        if (current.isEmpty()) {
            return new Outcome<>(Optional.empty(), null);
        }
        notifications.delete(h, current.get());
        return new Outcome<>(current, new NotificationChange.Deleted(current.get()));
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

    /**
     * One group's transaction: its creates first, inserted and recorded by each listener as one
     * batch (several may be one user's, in submission order), then its other changes in order. A
     * user's events are numbered in that order, and published in it after the commit.
     */
    private List<Runnable> apply(Handle h, List<GroupCommit.Write<?>> group) {
        Transaction tx = new Transaction(h);
        List<Runnable> actions = new ArrayList<>();
        Set<UUID> tokens = new HashSet<>();
        for (GroupCommit.Write<?> w : group) {
            if (w instanceof Creating c) {
                c.tokenToConfirm.ifPresent(tokens::add);
            }
        }
        Set<UUID> issued = tokens.isEmpty() ? Set.of() : issuedTokens.stillIssued(tx, tokens);
        List<Notification> created = new ArrayList<>();
        for (GroupCommit.Write<?> w : group) {
            if (w instanceof Creating c) {
                if (c.tokenToConfirm.isPresent() && !issued.contains(c.tokenToConfirm.get())) {
                    c.refuse(new TokenRevoked());
                    continue;
                }
                created.add(c.notification);
                c.result(c.notification);
            }
        }
        if (!created.isEmpty()) {
            notifications.insertAll(h, created);
            for (NotificationListener listener : listeners) {
                actions.add(listener.recordCreated(tx, created));
            }
        }
        for (GroupCommit.Write<?> w : group) {
            if (w instanceof Changing<?> c) {
                NotificationChange change = c.applyIn(h);
                if (change != null) {
                    for (NotificationListener listener : listeners) {
                        actions.add(listener.record(tx, change));
                    }
                }
            }
        }
        return actions;
    }

    /** What a change inside the transaction gives its request, and what it changed (null: nothing). */
    private record Outcome<R>(R result, NotificationChange change) {}

    private static final class Creating extends GroupCommit.Write<Notification> {
        final Notification notification;
        final Optional<UUID> tokenToConfirm;

        Creating(Notification notification, Optional<UUID> tokenToConfirm) {
            super(notification.userId());
            this.notification = notification;
            this.tokenToConfirm = tokenToConfirm;
        }
    }

    private static final class Changing<R> extends GroupCommit.Write<R> {
        private final Function<Handle, Outcome<R>> change;

        Changing(UUID userId, Function<Handle, Outcome<R>> change) {
            super(userId);
            this.change = change;
        }

        /** @return the change made, or null when there was none */
        NotificationChange applyIn(Handle h) {
            Outcome<R> outcome = change.apply(h);
            result(outcome.result());
            return outcome.change();
        }
    }
}
