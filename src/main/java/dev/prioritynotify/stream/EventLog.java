package dev.prioritynotify.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prioritynotify.notification.Notification;
import dev.prioritynotify.notification.NotificationChange;
import dev.prioritynotify.notification.NotificationListener;
import dev.prioritynotify.notification.NotificationView;
import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Dialect;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Writes each notification change to the {@code events} table, numbered by the user's own
 * sequence, and hands the event to the hub once the change has committed.
 */
public final class EventLog implements NotificationListener {
    /**
     * Taking the next number locks the user's row until commit (PostgreSQL) or runs under the
     * single writer (SQLite): one user's events therefore commit in sequence order, which is what
     * lets a client that has seen N trust that it has seen everything before N.
     */
    private static final String NEXT_SEQ = "UPDATE users SET event_seq = event_seq + 1 WHERE id = :userId RETURNING event_seq";
    private static final String CURRENT_SEQ = "SELECT event_seq FROM users WHERE id = :userId";
    private static final String INSERT_EVENT = """
            INSERT INTO events (user_id, seq, type, notification_id, payload, created_at)
            VALUES (:userId, :seq, :type, :notificationId, :payload, :createdAt)""";
    private static final String SELECT_AFTER = """
            SELECT user_id, seq, type, notification_id, payload, created_at FROM events
            WHERE user_id = :userId AND seq > :after AND seq <= :upTo ORDER BY seq LIMIT :limit""";
    private static final String DELETE_OLDER_THAN = "DELETE FROM events WHERE created_at < :cutoff";

    private final Database db;
    private final StreamHub hub;
    private final ObjectMapper mapper;
    private final InstantSource clock;

    public EventLog(Database db, StreamHub hub, ObjectMapper mapper, InstantSource clock) {
        this.db = db;
        this.hub = hub;
        this.mapper = mapper;
        this.clock = clock;
    }

    @Override
    public Runnable record(Handle h, NotificationChange change) {
        Notification n = change.notification();
        long seq = h.createQuery(NEXT_SEQ).bind("userId", n.userId()).mapTo(Long.class).one();
        Event event = new Event(n.userId(), seq, typeOf(change), n.id(), payloadOf(change),
                clock.instant().truncatedTo(ChronoUnit.MILLIS));
        h.createUpdate(INSERT_EVENT)
                .bind("userId", event.userId())
                .bind("seq", event.seq())
                .bind("type", event.type())
                .bind("notificationId", event.notificationId())
                .bind("payload", event.payload())
                .bind("createdAt", event.createdAt())
                .execute();
        return () -> hub.publish(event);
    }

    private static String typeOf(NotificationChange change) {
        return switch (change) {
            case NotificationChange.Created c -> "notification";
            case NotificationChange.StatusChanged s -> "status_change";
            case NotificationChange.Deleted d -> "deleted";
        };
    }

    private String payloadOf(NotificationChange change) {
        Notification n = change.notification();
        Object payload = switch (change) {
            case NotificationChange.Created c -> NotificationView.of(n);
            case NotificationChange.StatusChanged s -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", n.id());
                m.put("status", n.status().wire());
                m.put("previous_status", s.previous().wire());
                m.put("read_at", n.readAt());
                yield m;
            }
            case NotificationChange.Deleted d -> Map.of("id", n.id());
        };
        try {
            return mapper.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event payload must serialise", e);
        }
    }

    /** The user's latest sequence number (0 before the first event). */
    long currentSeq(UUID userId) {
        return db.jdbi().withHandle(h -> h.createQuery(CURRENT_SEQ).bind("userId", userId).mapTo(Long.class).findOne().orElse(0L));
    }

    /** Events with {@code after < seq <= upTo}, oldest first, at most {@code limit}. */
    List<Event> read(UUID userId, long after, long upTo, int limit) {
        Dialect d = db.dialect();
        return db.jdbi().withHandle(h -> h.createQuery(SELECT_AFTER)
                .bind("userId", userId).bind("after", after).bind("upTo", upTo).bind("limit", limit)
                .map((rs, ctx) -> new Event(d.uuid(rs, "user_id"), rs.getLong("seq"), rs.getString("type"),
                        d.uuid(rs, "notification_id"), rs.getString("payload"), d.instant(rs, "created_at")))
                .list());
    }

    /** Pruning by age keeps the log bounded; a client away for longer than the retention re-lists instead. */
    public int pruneOlderThan(Instant cutoff) {
        return db.inTransaction(h -> h.createUpdate(DELETE_OLDER_THAN).bind("cutoff", cutoff).execute());
    }
}
