package dev.prioritynotify.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prioritynotify.notification.Notification;
import dev.prioritynotify.notification.NotificationChange;
import dev.prioritynotify.notification.NotificationListener;
import dev.prioritynotify.notification.NotificationView;
import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.store.JdbcBatch;
import dev.prioritynotify.store.Transaction;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
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
     * lets a client that has seen N trust that it has seen everything before N. A broadcast chunk
     * numbers all its users in this one statement.
     */
    private static final String NEXT_SEQS =
            "UPDATE users SET event_seq = event_seq + 1 WHERE id IN (<userIds>) RETURNING id, event_seq";

    private static final String ADD_SEQS =
            "UPDATE users SET event_seq = event_seq + :count WHERE id = :userId RETURNING event_seq";
    /**
     * PostgreSQL: the users of a chunk are locked in id order before {@link #NEXT_SEQS}, whose own
     * locking order follows its plan. Two chunks sharing users (concurrent broadcasts, or other
     * instances) then queue instead of deadlocking; a single change locks only its own user.
     */
    private static final String LOCK_USERS =
            "SELECT id FROM users WHERE id IN (<userIds>) ORDER BY id FOR NO KEY UPDATE";

    private static final String CURRENT_SEQ = "SELECT event_seq FROM users WHERE id = :userId";
    private static final String OLDEST_SEQ = "SELECT MIN(seq) FROM events WHERE user_id = :userId";
    private static final String INSERT_EVENT = """
            INSERT INTO events (user_id, seq, type, notification_id, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)""";
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
    public Runnable record(Transaction tx, NotificationChange change) {
        return recordAll(tx.handle(), List.of(change));
    }

    @Override
    public Runnable recordCreated(Transaction tx, List<Notification> created) {
        return recordAll(
                tx.handle(),
                created.stream()
                        .<NotificationChange>map(NotificationChange.Created::new)
                        .toList());
    }

    /**
     * Changes of one or many users, in order; each user's are numbered consecutively in that order.
     * Written by one batch, published in the same order after commit.
     */
    private Runnable recordAll(Handle h, List<NotificationChange> changes) {
        Map<UUID, Integer> perUser = new LinkedHashMap<>();
        for (NotificationChange change : changes) {
            perUser.merge(change.notification().userId(), 1, Integer::sum);
        }
        Map<UUID, Long> next = firstSeqs(h, perUser);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<Event> events = new ArrayList<>(changes.size());
        for (NotificationChange change : changes) {
            Notification n = change.notification();
            long seq = next.merge(n.userId(), 1L, Long::sum) - 1;
            events.add(new Event(n.userId(), seq, typeOf(change), n.id(), payloadOf(change), now));
        }
        Dialect d = db.dialect();
        JdbcBatch.execute(h, INSERT_EVENT, events, (st, e) -> {
            d.bindUuid(st, 1, e.userId());
            st.setLong(2, e.seq());
            st.setString(3, e.type());
            d.bindUuid(st, 4, e.notificationId());
            st.setString(5, e.payload());
            d.bindInstant(st, 6, e.createdAt());
        });
        return () -> events.forEach(hub::publish);
    }

    /**
     * Reserves {@code count} sequence numbers for each user and returns the first of each. Users
     * with one change share one statement (a broadcast chunk); a user with several (a burst that
     * was grouped) gets a statement of their own that adds them all at once.
     */
    private Map<UUID, Long> firstSeqs(Handle h, Map<UUID, Integer> perUser) {
        Dialect d = db.dialect();
        if (d.locksRows() && perUser.size() > 1) {
            h.createQuery(LOCK_USERS)
                    .bindList("userIds", List.copyOf(perUser.keySet()))
                    .mapTo(String.class)
                    .list();
        }
        List<UUID> single = perUser.entrySet().stream()
                .filter(e -> e.getValue() == 1)
                .map(Map.Entry::getKey)
                .toList();
        Map<UUID, Long> first = new HashMap<>();
        if (!single.isEmpty()) {
            h.createQuery(NEXT_SEQS)
                    .bindList("userIds", single)
                    .map((rs, ctx) -> Map.entry(d.uuid(rs, "id"), rs.getLong("event_seq")))
                    .forEach(e -> first.put(e.getKey(), e.getValue()));
        }
        for (Map.Entry<UUID, Integer> user : perUser.entrySet()) {
            int count = user.getValue();
            if (count > 1) {
                h.createQuery(ADD_SEQS)
                        .bind("count", count)
                        .bind("userId", user.getKey())
                        .mapTo(Long.class)
                        .findOne()
                        .ifPresent(last -> first.put(user.getKey(), last - count + 1));
            }
        }
        if (first.size() != perUser.size()) {
            throw new IllegalStateException("events for users that do not exist");
        }
        return first;
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

    /**
     * The user's latest sequence number (0 before the first event): a page read after it and
     * streamed from it (`?last_event_id=`) misses nothing committed in between.
     */
    public long currentSeq(UUID userId) {
        return db.jdbi()
                .withHandle(h -> h.createQuery(CURRENT_SEQ)
                        .bind("userId", userId)
                        .mapTo(Long.class)
                        .findOne()
                        .orElse(0L));
    }

    /**
     * Whether the log still holds every event of the user after {@code after}, up to
     * {@code current}: false once pruning (EVENT_RETENTION) has removed some of them, and for a
     * position beyond {@code current}, which this log never handed out (the client's history is
     * from another database, say one restored from a backup).
     */
    boolean holdsEverythingAfter(UUID userId, long after, long current) {
        if (after >= current) {
            return after == current;
        }
        Long oldest = db.jdbi()
                .withHandle(h -> h.createQuery(OLDEST_SEQ)
                        .bind("userId", userId)
                        .mapTo(Long.class)
                        .findOne()
                        .orElse(null));
        return oldest != null && oldest <= after + 1;
    }

    /** Events with {@code after < seq <= upTo}, oldest first, at most {@code limit}. */
    List<Event> read(UUID userId, long after, long upTo, int limit) {
        Dialect d = db.dialect();
        return db.jdbi()
                .withHandle(h -> h.createQuery(SELECT_AFTER)
                        .bind("userId", userId)
                        .bind("after", after)
                        .bind("upTo", upTo)
                        .bind("limit", limit)
                        .map((rs, ctx) -> new Event(
                                d.uuid(rs, "user_id"),
                                rs.getLong("seq"),
                                rs.getString("type"),
                                d.uuid(rs, "notification_id"),
                                rs.getString("payload"),
                                d.instant(rs, "created_at")))
                        .list());
    }

    /** Pruning by age keeps the log bounded; a client away for longer than the retention gets a {@code reset} and re-lists. */
    public int pruneOlderThan(Instant cutoff) {
        return db.inTransaction(
                h -> h.createUpdate(DELETE_OLDER_THAN).bind("cutoff", cutoff).execute());
    }
}
