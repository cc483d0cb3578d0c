package dev.prioritynotify.push.delivery;

import dev.prioritynotify.push.subscription.PushSubscription;
import dev.prioritynotify.push.subscription.SubscriptionRepository;
import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.store.JdbcBatch;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The {@code deliveries} outbox once written ({@link Outbox} writes it with a notification): claiming due rows, recording outcomes. */
public final class DeliveryRepository {
    /**
     * Claims due rows by setting a lease. On PostgreSQL the inner select skips rows another
     * instance is claiming at this moment, so two instances never take the same row; on SQLite
     * the single writer makes the statement atomic. A crashed claimer's rows come back when
     * their lease expires ({@link #RELEASE_EXPIRED}).
     */
    private static final String CLAIM_DUE = """
            UPDATE deliveries SET state = 'sending', lease_until = :leaseUntil
            WHERE id IN (SELECT id FROM deliveries WHERE state = 'pending' AND next_attempt_at <= :now %s
                         ORDER BY next_attempt_at LIMIT :limit %s)
            RETURNING id, kind, notification_id, subscription_id, user_id, origin, attempts, window_start""";

    private static final String RELEASE_EXPIRED = """
            UPDATE deliveries SET state = 'pending', lease_until = NULL WHERE state = 'sending' AND lease_until < :now""";
    private static final String RELEASE_CLAIMED = """
            UPDATE deliveries SET state = 'pending', lease_until = NULL WHERE id = :id AND state = 'sending'""";
    private static final String MARK_DELIVERED = """
            UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, last_status = ?, last_error = NULL,
                   lease_until = NULL, delivered_at = ?, finished_at = ? WHERE id IN (%s)""";
    private static final String MARK_RETRY = """
            UPDATE deliveries SET state = 'pending', attempts = attempts + 1, last_status = :status, last_error = :error,
                   lease_until = NULL, next_attempt_at = :next WHERE id = :id""";
    private static final String MARK_FAILED = """
            UPDATE deliveries SET state = 'failed', attempts = attempts + 1, last_status = :status, last_error = :error,
                   lease_until = NULL, finished_at = :now WHERE id = :id""";
    /** Not attempted: the attempt count and last answer stay as they were. */
    private static final String MARK_DROPPED = """
            UPDATE deliveries SET state = 'failed', last_error = :error, lease_until = NULL, finished_at = :now WHERE id = :id""";

    private static final String MARK_SUBSCRIPTION_GONE = """
            UPDATE deliveries SET state = 'gone', last_status = :status, last_error = :error, lease_until = NULL,
                   finished_at = :now, attempts = attempts + CASE WHEN id = :id THEN 1 ELSE 0 END
            WHERE subscription_id = :subscriptionId AND state IN ('pending', 'sending')""";
    private static final String COUNT_COALESCED = """
            SELECT COUNT(*) FROM deliveries WHERE subscription_id = :subscriptionId AND window_start = :windowStart
                   AND state = 'coalesced'""";
    /** Two counts, so that each is answered from its own partial index. */
    private static final String COUNT_PENDING = """
            SELECT (SELECT COUNT(*) FROM deliveries WHERE state = 'pending') + (SELECT COUNT(*) FROM deliveries WHERE state = 'sending')""";

    private static final String PRUNE_FINISHED = "DELETE FROM deliveries WHERE finished_at < :cutoff";
    private static final String SELECT_BURST_DEVICES = "SELECT DISTINCT subscription_id FROM push_bursts";
    private static final String DELETE_BURSTS = "DELETE FROM push_bursts WHERE subscription_id IN (<ids>)";
    private static final String SELECT_FOR_NOTIFICATION = """
            SELECT d.id, d.subscription_id, d.origin, d.state, d.attempts, d.next_attempt_at, d.last_status, d.last_error,
                   d.created_at, d.delivered_at, d.device_name
            FROM deliveries d WHERE d.notification_id = :notificationId AND d.user_id = :userId ORDER BY d.created_at, d.id""";

    private final Database db;
    private final SubscriptionRepository subscriptions;
    private final String claimSql;
    private final String claimSqlWithExclusions;

    public DeliveryRepository(Database db, SubscriptionRepository subscriptions) {
        this.db = db;
        this.subscriptions = subscriptions;
        String lock = db.dialect().skipLocked();
        this.claimSql = CLAIM_DUE.formatted("", lock);
        this.claimSqlWithExclusions = CLAIM_DUE.formatted("AND origin NOT IN (<busy>)", lock);
    }

    /** Claims up to {@code limit} due deliveries, leaving out origins already at their concurrency limit. */
    List<Delivery> claim(int limit, Instant now, Instant leaseUntil, Collection<String> busyOrigins) {
        Dialect d = db.dialect();
        return db.inTransaction(h -> {
            var q = h.createQuery(busyOrigins.isEmpty() ? claimSql : claimSqlWithExclusions)
                    .bind("now", now)
                    .bind("leaseUntil", leaseUntil)
                    .bind("limit", limit);
            if (!busyOrigins.isEmpty()) {
                q.bindList("busy", List.copyOf(busyOrigins));
            }
            return q.map((rs, ctx) -> new Delivery(
                            d.uuid(rs, "id"),
                            Delivery.Kind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT)),
                            d.uuid(rs, "notification_id"),
                            d.uuid(rs, "subscription_id"),
                            d.uuid(rs, "user_id"),
                            rs.getString("origin"),
                            rs.getInt("attempts"),
                            d.instant(rs, "window_start")))
                    .list();
        });
    }

    int releaseExpired(Instant now) {
        return db.inTransaction(
                h -> h.createUpdate(RELEASE_EXPIRED).bind("now", now).execute());
    }

    /** An outcome to write; applied in batches, one transaction per batch. */
    sealed interface Outcome {
        Delivery delivery();

        record Delivered(Delivery delivery, int status) implements Outcome {}

        /** {@code status}: the push service's answer, null when none came. */
        record Retry(Delivery delivery, Integer status, String error, Instant next) implements Outcome {}

        /** {@code status}: the push service's answer, null when none came. */
        record Failed(Delivery delivery, Integer status, String error) implements Outcome {}

        record Gone(Delivery delivery, int status) implements Outcome {}

        /** Not attempted (shutdown, or its origin was busy after all): back to the queue as it was. */
        record Released(Delivery delivery) implements Outcome {}

        /** Not to be sent at all, for a reason that says nothing about the device: failed, the device untouched. */
        record Dropped(Delivery delivery, String reason) implements Outcome {}
    }

    void record(List<Outcome> outcomes, Instant now) {
        db.inTransaction(h -> {
            // The updates below touch devices in outcome order: their locks are taken in one order first.
            subscriptions.lockInIdOrder(
                    h,
                    outcomes.stream()
                            .map(o -> o.delivery().subscriptionId())
                            .distinct()
                            .toList());
            PreparedBatch retry = h.prepareBatch(MARK_RETRY);
            PreparedBatch failed = h.prepareBatch(MARK_FAILED);
            PreparedBatch released = h.prepareBatch(RELEASE_CLAIMED);
            PreparedBatch dropped = h.prepareBatch(MARK_DROPPED);
            List<SubscriptionRepository.Failure> failing = new ArrayList<>();
            // Most outcomes are deliveries with one status: those become one statement per status.
            Map<Integer, List<UUID>> deliveredByStatus = new HashMap<>();
            Set<UUID> deliveredTo = new LinkedHashSet<>();
            for (Outcome o : outcomes) {
                UUID id = o.delivery().id();
                switch (o) {
                    case Outcome.Delivered x -> {
                        deliveredByStatus
                                .computeIfAbsent(x.status(), s -> new ArrayList<>())
                                .add(id);
                        deliveredTo.add(o.delivery().subscriptionId());
                    }
                    case Outcome.Retry x -> {
                        retry.bind("id", id)
                                .bind("status", x.status())
                                .bind("error", x.error())
                                .bind("next", x.next())
                                .add();
                        failing.add(
                                new SubscriptionRepository.Failure(o.delivery().subscriptionId(), x.error()));
                    }
                    case Outcome.Failed x -> {
                        failed.bind("id", id)
                                .bind("status", x.status())
                                .bind("error", x.error())
                                .bind("now", now)
                                .add();
                        failing.add(
                                new SubscriptionRepository.Failure(o.delivery().subscriptionId(), x.error()));
                    }
                    case Outcome.Gone x -> {
                        // The push service says the device is gone: it never receives anything again.
                        h.createUpdate(MARK_SUBSCRIPTION_GONE)
                                .bind("id", id)
                                .bind("subscriptionId", o.delivery().subscriptionId())
                                .bind("status", x.status())
                                .bind("error", "push service answered " + x.status())
                                .bind("now", now)
                                .execute();
                        subscriptions.deleteGone(h, o.delivery().subscriptionId());
                    }
                    case Outcome.Released x -> released.bind("id", id).add();
                    case Outcome.Dropped x ->
                        dropped.bind("id", id)
                                .bind("error", x.reason())
                                .bind("now", now)
                                .add();
                }
            }
            deliveredByStatus.forEach((status, ids) ->
                    JdbcBatch.updateWhereIdIn(h, db.dialect(), MARK_DELIVERED, ids, st -> {
                        st.setInt(1, status);
                        db.dialect().bindInstant(st, 2, now);
                        db.dialect().bindInstant(st, 3, now);
                        return 3;
                    }));
            for (PreparedBatch b : List.of(retry, failed, released, dropped)) {
                if (b.size() > 0) {
                    b.execute();
                }
            }
            subscriptions.markFailing(h, failing, now);
            // After the failures: a device that failed and then succeeded in one batch is healthy.
            if (!deliveredTo.isEmpty()) {
                subscriptions.markDelivered(h, deliveredTo, now);
            }
            return null;
        });
    }

    int countCoalesced(UUID subscriptionId, Instant windowStart) {
        return db.jdbi()
                .withHandle(h -> h.createQuery(COUNT_COALESCED)
                        .bind("subscriptionId", subscriptionId)
                        .bind("windowStart", windowStart)
                        .mapTo(Integer.class)
                        .one());
    }

    public long countPending() {
        return db.jdbi()
                .withHandle(h -> h.createQuery(COUNT_PENDING).mapTo(Long.class).one());
    }

    public int pruneFinishedBefore(Instant cutoff) {
        return db.inTransaction(
                h -> h.createUpdate(PRUNE_FINISHED).bind("cutoff", cutoff).execute());
    }

    /**
     * Burst counters of devices removed since: push_bursts has no foreign key, so that counting
     * a burst takes no device lock (V5__push_bursts.sql).
     */
    public int deleteOrphanBursts() {
        List<UUID> counted = db.jdbi()
                .withHandle(h -> h.createQuery(SELECT_BURST_DEVICES)
                        .map((rs, ctx) -> db.dialect().uuid(rs, "subscription_id"))
                        .list());
        Set<UUID> existing = subscriptions.existing(counted);
        List<UUID> orphans =
                counted.stream().filter(id -> !existing.contains(id)).toList();
        return db.inTransaction(h -> {
            int deleted = 0;
            for (List<UUID> chunk : JdbcBatch.chunks(orphans)) {
                deleted += h.createUpdate(DELETE_BURSTS).bindList("ids", chunk).execute();
            }
            return deleted;
        });
    }

    /** One device's view of a notification's push: for {@code GET /api/notifications/{id}/deliveries}. */
    public record DeliveryView(
            UUID id,
            UUID subscriptionId,
            String deviceName,
            String endpoint,
            String state,
            int attempts,
            Instant nextAttemptAt,
            Integer lastStatus,
            String lastError,
            Instant createdAt,
            Instant deliveredAt) {
        DeliveryView withEndpoint(String shown) {
            return new DeliveryView(
                    id,
                    subscriptionId,
                    deviceName,
                    shown,
                    state,
                    attempts,
                    nextAttemptAt,
                    lastStatus,
                    lastError,
                    createdAt,
                    deliveredAt);
        }
    }

    /** Each device's push of one of the user's notifications; endpoints as they are now, or the push service's origin for a removed device. */
    public List<DeliveryView> forNotification(UUID userId, UUID notificationId) {
        Dialect d = db.dialect();
        List<DeliveryView> rows = db.jdbi()
                .withHandle(h -> h.createQuery(SELECT_FOR_NOTIFICATION)
                        .bind("notificationId", notificationId)
                        .bind("userId", userId)
                        .map((rs, ctx) -> view(rs, d))
                        .list());
        Map<UUID, String> endpoints = new HashMap<>();
        for (PushSubscription s : subscriptions.findByIds(
                rows.stream().map(DeliveryView::subscriptionId).distinct().toList())) {
            endpoints.put(s.id(), s.endpointForDisplay());
        }
        return rows.stream()
                .map(v -> endpoints.containsKey(v.subscriptionId())
                        ? v.withEndpoint(endpoints.get(v.subscriptionId()))
                        : v)
                .toList();
    }

    private static DeliveryView view(ResultSet rs, Dialect d) throws SQLException {
        int status = rs.getInt("last_status");
        Integer lastStatus = rs.wasNull() ? null : status;
        return new DeliveryView(
                d.uuid(rs, "id"),
                d.uuid(rs, "subscription_id"),
                rs.getString("device_name"),
                rs.getString("origin"),
                rs.getString("state"),
                rs.getInt("attempts"),
                d.instant(rs, "next_attempt_at"),
                lastStatus,
                rs.getString("last_error"),
                d.instant(rs, "created_at"),
                d.instant(rs, "delivered_at"));
    }
}
