package dev.prioritynotify.notification;

import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.store.JdbcBatch;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

final class NotificationRepository {
    private static final String COLUMNS =
            "id, user_id, title, message, priority, status, source, url, tag, metadata, created_at, read_at";
    private static final String INSERT_NOTIFICATION = """
            INSERT INTO notifications (id, user_id, title, message, priority, status, source, url, tag, metadata, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String SELECT_BY_ID =
            "SELECT " + COLUMNS + " FROM notifications WHERE id = :id AND user_id = :userId";
    private static final String UPDATE_STATUS =
            "UPDATE notifications SET status = :status, read_at = :readAt WHERE id = :id AND user_id = :userId";
    private static final String DELETE_NOTIFICATION = "DELETE FROM notifications WHERE id = :id AND user_id = :userId";
    private static final String SELECT_EXPIRING =
            "SELECT " + COLUMNS + " FROM notifications WHERE created_at < :cutoff ORDER BY created_at, id LIMIT :limit";
    private static final String SELECT_EXPIRING_UNARCHIVED = "SELECT " + COLUMNS
            + " FROM notifications WHERE created_at < :cutoff AND status <> 'archived' ORDER BY created_at, id LIMIT :limit";

    private final Database db;

    NotificationRepository(Database db) {
        this.db = db;
    }

    void insert(Handle h, Notification n) {
        insertAll(h, List.of(n));
    }

    /** One batch for the lot: a broadcast chunk is one round trip, not one per user. */
    void insertAll(Handle h, List<Notification> all) {
        Dialect d = db.dialect();
        JdbcBatch.execute(h, INSERT_NOTIFICATION, all, (st, n) -> {
            d.bindUuid(st, 1, n.id());
            d.bindUuid(st, 2, n.userId());
            st.setString(3, n.title());
            st.setString(4, n.message());
            st.setString(5, n.priority().wire());
            st.setString(6, n.status().wire());
            st.setString(7, n.source());
            st.setString(8, n.url());
            st.setString(9, n.tag());
            st.setString(10, n.metadata());
            d.bindInstant(st, 11, n.createdAt());
        });
    }

    Optional<Notification> find(Handle h, UUID userId, UUID id) {
        return h.createQuery(SELECT_BY_ID)
                .bind("id", id)
                .bind("userId", userId)
                .map(this::map)
                .findOne();
    }

    Optional<Notification> find(UUID userId, UUID id) {
        return db.jdbi().withHandle(h -> find(h, userId, id));
    }

    List<Notification> findByIds(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return db.jdbi()
                .withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM notifications WHERE id IN (<ids>)")
                        .bindList("ids", List.copyOf(ids))
                        .map(this::map)
                        .list());
    }

    void updateStatus(Handle h, Notification n) {
        h.createUpdate(UPDATE_STATUS)
                .bind("status", n.status().wire())
                .bind("readAt", n.readAt())
                .bind("id", n.id())
                .bind("userId", n.userId())
                .execute();
    }

    void delete(Handle h, Notification n) {
        h.createUpdate(DELETE_NOTIFICATION)
                .bind("id", n.id())
                .bind("userId", n.userId())
                .execute();
    }

    Page<Notification> list(UUID userId, NotificationFilter f) {
        StringBuilder where = new StringBuilder(" WHERE user_id = :userId");
        f.since().ifPresent(x -> where.append(" AND created_at > :since"));
        f.status().ifPresent(x -> where.append(" AND status = :status"));
        if (f.excludeArchived()) {
            where.append(" AND status <> 'archived'");
        }
        f.priority().ifPresent(x -> where.append(" AND priority = :priority"));
        f.minPriority().ifPresent(x -> where.append(" AND priority IN (<atLeast>)"));
        f.source().ifPresent(x -> where.append(" AND source = :source"));
        return db.jdbi().withHandle(h -> {
            Query count = bindFilter(h.createQuery("SELECT COUNT(*) FROM notifications" + where), userId, f);
            long total = count.mapTo(Long.class).one();
            List<Notification> items = total == 0
                    ? new ArrayList<>()
                    : bindFilter(
                                    h.createQuery("SELECT " + COLUMNS + " FROM notifications" + where
                                            + " ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset"),
                                    userId,
                                    f)
                            .bind("limit", f.limit())
                            .bind("offset", f.offset())
                            .map(this::map)
                            .list();
            return new Page<>(items, total, f.limit(), f.offset());
        });
    }

    /** The oldest notifications created before {@code cutoff} (of every user); with {@code unarchivedOnly}, those not archived yet. */
    List<Notification> expiring(Instant cutoff, boolean unarchivedOnly, int limit) {
        return db.jdbi()
                .withHandle(h -> h.createQuery(unarchivedOnly ? SELECT_EXPIRING_UNARCHIVED : SELECT_EXPIRING)
                        .bind("cutoff", cutoff)
                        .bind("limit", limit)
                        .map(this::map)
                        .list());
    }

    private static Query bindFilter(Query q, UUID userId, NotificationFilter f) {
        q.bind("userId", userId);
        f.since().ifPresent(v -> q.bind("since", v));
        f.status().ifPresent(v -> q.bind("status", v.wire()));
        f.priority().ifPresent(v -> q.bind("priority", v.wire()));
        f.minPriority()
                .ifPresent(v -> q.bindList(
                        "atLeast",
                        Arrays.stream(Priority.values())
                                .filter(p -> p.atLeast(v))
                                .map(Priority::wire)
                                .toList()));
        f.source().ifPresent(v -> q.bind("source", v));
        return q;
    }

    private Notification map(ResultSet rs, StatementContext ctx) throws SQLException {
        Dialect d = db.dialect();
        return new Notification(
                d.uuid(rs, "id"),
                d.uuid(rs, "user_id"),
                rs.getString("title"),
                rs.getString("message"),
                Priority.parse(rs.getString("priority")),
                Status.parse(rs.getString("status")),
                rs.getString("source"),
                rs.getString("url"),
                rs.getString("tag"),
                rs.getString("metadata"),
                d.instant(rs, "created_at"),
                d.instant(rs, "read_at"));
    }
}
