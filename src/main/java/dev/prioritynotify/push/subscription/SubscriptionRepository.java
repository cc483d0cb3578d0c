package dev.prioritynotify.push.subscription;

import dev.prioritynotify.notification.Priority;
import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.store.Ids;
import dev.prioritynotify.store.JdbcBatch;
import dev.prioritynotify.webpush.SubscriptionKeys;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;

public final class SubscriptionRepository {
    /** The columns {@link #read} maps. */
    private static final String COLUMNS = "id, user_id, endpoint, p256dh, auth, user_agent, device_name, min_priority, "
            + "created_at, updated_at, last_used_at, last_error, failure_count";

    private static final String SELECT_BY_ENDPOINT =
            "SELECT " + COLUMNS + " FROM push_subscriptions WHERE endpoint = :endpoint";
    private static final String SELECT_BY_USER =
            "SELECT " + COLUMNS + " FROM push_subscriptions WHERE user_id = :userId ORDER BY created_at";
    private static final String SELECT_ALL = "SELECT " + COLUMNS + " FROM push_subscriptions ORDER BY created_at";
    private static final String INSERT_SUBSCRIPTION = """
            INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, user_agent, device_name, min_priority,
                                            created_at, updated_at)
            VALUES (:id, :userId, :endpoint, :p256dh, :auth, :userAgent, :deviceName, :minPriority, :now, :now)""";
    /** A browser re-subscribing (new keys, or another user signed in on it) takes the row over; its history resets. */
    private static final String UPDATE_SUBSCRIPTION = """
            UPDATE push_subscriptions SET user_id = :userId, p256dh = :p256dh, auth = :auth, user_agent = :userAgent,
                   device_name = :deviceName, min_priority = :minPriority, updated_at = :now,
                   last_error = NULL, failure_count = 0
            WHERE endpoint = :endpoint""";

    private static final String DELETE_BY_ENDPOINT =
            "DELETE FROM push_subscriptions WHERE endpoint = :endpoint AND user_id = :userId";
    private static final String DELETE_BY_ID = "DELETE FROM push_subscriptions WHERE id = :id AND user_id = :userId";
    private static final String DELETE_GONE = "DELETE FROM push_subscriptions WHERE id = :id";
    /**
     * A device's delivery health, written by the delivery recorder (in its batches) and the test
     * push alike: a success clears the failure streak; a failure starts one, whose start
     * ({@code failing_since}) is what the stale-device cleanup goes by.
     */
    /**
     * A healthy device that already had a push within the last minute is left as it is: a
     * device taking a burst of pushes is written once, not once per push (see
     * {@link #LAST_USED_GRANULARITY}).
     */
    private static final String MARK_DELIVERED = """
            UPDATE push_subscriptions SET last_used_at = ?, failure_count = 0, last_error = NULL, failing_since = NULL
            WHERE (last_used_at IS NULL OR last_used_at < ? OR failure_count <> 0 OR failing_since IS NOT NULL)
              AND id IN (%s)""";
    /** {@code last_used_at} is exact to this much (as API tokens' is). */
    static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);

    private static final String MARK_FAILED = """
            UPDATE push_subscriptions SET failure_count = failure_count + 1, last_error = :error,
                   failing_since = COALESCE(failing_since, :now)
            WHERE id = :id""";

    private static final String SELECT_OF_USERS =
            "SELECT " + COLUMNS + " FROM push_subscriptions WHERE user_id IN (<userIds>) ORDER BY id";
    /** Locks the devices in id order before they are updated (see {@link #lockInIdOrder}). */
    private static final String LOCK_IN_ID_ORDER =
            "SELECT id FROM push_subscriptions WHERE id IN (<ids>) ORDER BY id FOR UPDATE";
    /** A device whose pushes have failed for the whole window, with no success since, is dead. */
    private static final String DELETE_STALE = """
            DELETE FROM push_subscriptions WHERE failing_since < :cutoff
                   AND (last_used_at IS NULL OR last_used_at < failing_since)""";

    private static final String SELECT_EXISTING = "SELECT id FROM push_subscriptions WHERE id IN (<ids>)";

    private final Database db;
    private final Ids ids;

    public SubscriptionRepository(Database db, Ids ids) {
        this.db = db;
        this.ids = ids;
    }

    /**
     * Insert, or update the row with the same endpoint (the endpoint identifies the browser). Two
     * requests racing to insert one endpoint (PostgreSQL runs them concurrently) meet at the
     * unique index; the loser then finds the row and updates it.
     */
    public Upserted upsert(UUID userId, NewSubscription s, Instant now) {
        try {
            return tryUpsert(userId, s, now);
        } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
            if (!isUniqueViolation(e)) {
                throw e;
            }
            return tryUpsert(userId, s, now);
        }
    }

    private static boolean isUniqueViolation(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql
                    && ("23505".equals(sql.getSQLState())
                            || (sql.getMessage() != null && sql.getMessage().contains("UNIQUE constraint failed")))) {
                return true;
            }
        }
        return false;
    }

    private Upserted tryUpsert(UUID userId, NewSubscription s, Instant now) {
        return db.inTransaction(h -> {
            boolean exists = h.createQuery(SELECT_BY_ENDPOINT)
                    .bind("endpoint", s.endpoint())
                    .map(this::map)
                    .findOne()
                    .isPresent();
            var update = h.createUpdate(exists ? UPDATE_SUBSCRIPTION : INSERT_SUBSCRIPTION)
                    .bind("userId", userId)
                    .bind("endpoint", s.endpoint())
                    .bind("p256dh", s.keys().p256dhBase64Url())
                    .bind("auth", s.keys().authBase64Url())
                    .bind("userAgent", s.userAgent())
                    .bind("deviceName", s.deviceName())
                    .bind("minPriority", s.minPriority().wire())
                    .bind("now", now);
            if (!exists) {
                update.bind("id", ids.next());
            }
            update.execute();
            PushSubscription stored = h.createQuery(SELECT_BY_ENDPOINT)
                    .bind("endpoint", s.endpoint())
                    .map(this::map)
                    .one();
            return new Upserted(stored, !exists);
        });
    }

    public List<PushSubscription> listByUser(UUID userId) {
        return db.jdbi()
                .withHandle(h -> h.createQuery(SELECT_BY_USER)
                        .bind("userId", userId)
                        .map(this::map)
                        .list());
    }

    public List<PushSubscription> findByIds(List<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return db.jdbi()
                .withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM push_subscriptions WHERE id IN (<ids>)")
                        .bindList("ids", ids)
                        .map(this::map)
                        .list());
    }

    public long count() {
        return db.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM push_subscriptions")
                        .mapTo(Long.class)
                        .one());
    }

    public List<PushSubscription> listAll() {
        return db.jdbi()
                .withHandle(h -> h.createQuery(SELECT_ALL).map(this::map).list());
    }

    public boolean deleteByEndpoint(UUID userId, String endpoint) {
        return db.inTransaction(h -> h.createUpdate(DELETE_BY_ENDPOINT)
                        .bind("endpoint", endpoint)
                        .bind("userId", userId)
                        .execute())
                > 0;
    }

    public boolean deleteById(UUID userId, UUID id) {
        return db.inTransaction(h -> h.createUpdate(DELETE_BY_ID)
                        .bind("id", id)
                        .bind("userId", userId)
                        .execute())
                > 0;
    }

    /** The push service said the subscription no longer exists (404/410). */
    public void deleteGone(UUID id) {
        db.inTransaction(h -> {
            deleteGone(h, id);
            return null;
        });
    }

    /** Inside a transaction (the recorder's, with the device's pending pushes ended as gone). */
    public void deleteGone(Handle h, UUID id) {
        h.createUpdate(DELETE_GONE).bind("id", id).execute();
    }

    /**
     * Inside the creating transaction: the devices of these users, in id order, which is the
     * order their burst counters are written in (see the delivery outbox).
     */
    public List<PushSubscription> ofUsers(Handle h, Collection<UUID> userIds) {
        return h.createQuery(SELECT_OF_USERS)
                .bindList("userIds", List.copyOf(userIds))
                .map(this::map)
                .list();
    }

    /**
     * PostgreSQL: takes the devices' row locks in id order before a batch updates them in
     * another order. Recorders (of this or another instance) and creating notifications touch the
     * same rows; one locking order makes them queue instead of deadlocking. SQLite has one writer.
     */
    public void lockInIdOrder(Handle h, Collection<UUID> ids) {
        if (db.dialect().locksRows() && !ids.isEmpty()) {
            h.createQuery(LOCK_IN_ID_ORDER)
                    .bindList("ids", List.copyOf(ids))
                    .mapTo(String.class)
                    .list();
        }
    }

    /** A push to the device failed, with this error. */
    public record Failure(UUID id, String error) {}

    /** Inside the recorder's transaction: one batch for all the failures. */
    public void markFailing(Handle h, List<Failure> failures, Instant now) {
        if (failures.isEmpty()) {
            return;
        }
        PreparedBatch batch = h.prepareBatch(MARK_FAILED);
        for (Failure f : failures) {
            batch.bind("id", f.id()).bind("error", f.error()).bind("now", now).add();
        }
        batch.execute();
    }

    /** Daily: removes devices that have only failed since before {@code cutoff}. */
    public int deleteStale(Instant cutoff) {
        return db.inTransaction(
                h -> h.createUpdate(DELETE_STALE).bind("cutoff", cutoff).execute());
    }

    /** Which of these devices still exist. */
    public Set<UUID> existing(Collection<UUID> ids) {
        Set<UUID> found = new HashSet<>();
        Dialect d = db.dialect();
        db.jdbi().useHandle(h -> {
            for (List<UUID> chunk : JdbcBatch.chunks(ids)) {
                found.addAll(h.createQuery(SELECT_EXISTING)
                        .bindList("ids", chunk)
                        .map((rs, ctx) -> d.uuid(rs, "id"))
                        .list());
            }
        });
        return found;
    }

    public void markDelivered(UUID id, Instant now) {
        db.inTransaction(h -> {
            markDelivered(h, List.of(id), now);
            return null;
        });
    }

    /** Inside a transaction: these devices have just received a push. */
    public void markDelivered(Handle h, Collection<UUID> ids, Instant now) {
        JdbcBatch.updateWhereIdIn(h, db.dialect(), MARK_DELIVERED, ids, st -> {
            db.dialect().bindInstant(st, 1, now);
            db.dialect().bindInstant(st, 2, now.minus(LAST_USED_GRANULARITY));
            return 2;
        });
    }

    public void markFailed(UUID id, String error, Instant now) {
        db.inTransaction(h -> h.createUpdate(MARK_FAILED)
                .bind("id", id)
                .bind("error", error)
                .bind("now", now)
                .execute());
    }

    private PushSubscription map(ResultSet rs, StatementContext ctx) throws SQLException {
        return read(rs, db.dialect());
    }

    /** A row of {@link #COLUMNS}. */
    private static PushSubscription read(ResultSet rs, Dialect d) throws SQLException {
        return new PushSubscription(
                d.uuid(rs, "id"),
                d.uuid(rs, "user_id"),
                rs.getString("endpoint"),
                SubscriptionKeys.parse(rs.getString("p256dh"), rs.getString("auth")),
                rs.getString("user_agent"),
                rs.getString("device_name"),
                Priority.parse(rs.getString("min_priority")),
                d.instant(rs, "created_at"),
                d.instant(rs, "updated_at"),
                d.instant(rs, "last_used_at"),
                rs.getString("last_error"),
                rs.getInt("failure_count"));
    }
}
