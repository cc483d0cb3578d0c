package dev.prioritynotify.push.delivery;

import dev.prioritynotify.config.Config;
import dev.prioritynotify.notification.Notification;
import dev.prioritynotify.notification.NotificationChange;
import dev.prioritynotify.notification.NotificationListener;
import dev.prioritynotify.notification.Priority;
import dev.prioritynotify.push.subscription.PushSubscription;
import dev.prioritynotify.push.subscription.SubscriptionRepository;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.store.Ids;
import dev.prioritynotify.store.JdbcBatch;
import dev.prioritynotify.store.Transaction;
import dev.prioritynotify.webpush.Endpoints;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * Writes a notification's pushes into the {@code deliveries} outbox in the notification's own
 * transaction — one row per device whose minimum priority admits it — then wakes the workers.
 * Nothing is sent here, so the API answer never waits for a push service, and nothing is lost:
 * what committed will be sent, by this process or, after a crash, by the next.
 *
 * <p>One notification and a chunk of a broadcast take the same path and the same few statements:
 * one query for the devices of all their users, one batch of burst-counter updates, one batch of
 * delivery rows (and one of summaries), and one wake-up of the workers after the commit.
 *
 * <p>Hand-off: as many pushes as this process's workers have room for
 * ({@code PUSH_HANDOFF_LIMIT}) are written already leased to it, and given to its workers after
 * the commit with everything they need to send them — no claim, no reading back. The lease keeps
 * them safe as any claimed push: after a crash they are sent again once it expires. The rest are
 * queued as pending and claimed as usual.
 *
 * <p>Bursts (seed 004's batch limit): within one burst window per device, pushes past
 * {@code PUSH_BURST_LIMIT} are folded ({@code coalesced}) into one summary push sent when the
 * window ends. {@code critical} is never folded.
 */
public final class Outbox implements NotificationListener {
    private static final String SELECT_BURSTS =
            "SELECT subscription_id, window_start, pushes FROM push_bursts WHERE subscription_id IN (<ids>)";
    /**
     * Written in device id order, one batch: two transactions counting the same devices (two
     * notifications for one user) take their rows in the same order, so they queue rather than
     * deadlock. Nothing else writes these rows (the recorder writes the devices' health).
     */
    private static final String UPSERT_BURST = """
            INSERT INTO push_bursts (subscription_id, window_start, pushes) VALUES (?, ?, ?)
            ON CONFLICT (subscription_id) DO UPDATE SET window_start = excluded.window_start, pushes = excluded.pushes""";

    private static final String INSERT_DELIVERY = """
            INSERT INTO deliveries (id, kind, notification_id, subscription_id, user_id, origin, state, next_attempt_at,
                                    window_start, created_at, finished_at, lease_until, device_name)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    /** One summary per device and window: the unique index makes repeats no-ops. */
    private static final String INSERT_SUMMARY =
            INSERT_DELIVERY + " ON CONFLICT (subscription_id, window_start) WHERE kind = 'summary' DO NOTHING";

    private final SubscriptionRepository subscriptions;
    private final Dialect dialect;
    private final Ids ids;
    private final InstantSource clock;
    private final Config.Delivery.Bursts burstSettings;
    private final DeliveryWorkers workers;

    public Outbox(
            SubscriptionRepository subscriptions,
            Dialect dialect,
            Ids ids,
            InstantSource clock,
            Config.Delivery.Bursts burstSettings,
            DeliveryWorkers workers) {
        this.subscriptions = subscriptions;
        this.dialect = dialect;
        this.ids = ids;
        this.clock = clock;
        this.burstSettings = burstSettings;
        this.workers = workers;
    }

    private record Target(PushSubscription device, Instant burstWindowStart, int burstCount) {
        UUID id() {
            return device.id();
        }

        UUID userId() {
            return device.userId();
        }
    }

    private record Burst(UUID subscriptionId, Instant windowStart, int count) {}

    /**
     * One row of {@code deliveries} as inserted; {@code notificationId} is null for a summary. The
     * device's name is copied so that the row still names it once the device is gone.
     */
    private record Row(
            UUID id,
            Delivery.Kind kind,
            UUID notificationId,
            UUID subscriptionId,
            UUID userId,
            String origin,
            String state,
            Instant nextAttemptAt,
            Instant windowStart,
            Instant createdAt,
            Instant finishedAt,
            Instant leaseUntil,
            String deviceName) {
        Delivery delivery() {
            return new Delivery(id, kind, notificationId, subscriptionId, userId, origin, 0, windowStart);
        }
    }

    /** The users' devices, in id order, each with its burst counter (none yet: no window). */
    private List<Target> targets(Handle h, Collection<UUID> userIds) {
        List<PushSubscription> devices = subscriptions.ofUsers(h, userIds);
        Map<UUID, Burst> bursts = new HashMap<>();
        for (List<UUID> chunk :
                JdbcBatch.chunks(devices.stream().map(PushSubscription::id).toList())) {
            h.createQuery(SELECT_BURSTS)
                    .bindList("ids", chunk)
                    .map((rs, ctx) -> new Burst(
                            dialect.uuid(rs, "subscription_id"),
                            dialect.instant(rs, "window_start"),
                            rs.getInt("pushes")))
                    .forEach(b -> bursts.put(b.subscriptionId(), b));
        }
        List<Target> targets = new ArrayList<>(devices.size());
        for (PushSubscription device : devices) {
            Burst b = bursts.get(device.id());
            targets.add(new Target(device, b == null ? null : b.windowStart(), b == null ? 0 : b.count()));
        }
        return targets;
    }

    @Override
    public Runnable record(Transaction tx, NotificationChange change) {
        return change instanceof NotificationChange.Created created
                ? recordCreated(tx, List.of(created.notification()))
                : Outbox::nothing;
    }

    /**
     * Notifications of many users, possibly several of one user (a grouped burst, in order): each
     * device's burst counter is carried from one of its user's notifications to the next in
     * memory, and written once.
     */
    @Override
    public Runnable recordCreated(Transaction tx, List<Notification> created) {
        Handle h = tx.handle();
        Map<UUID, List<Notification>> byUser = created.stream()
                .collect(Collectors.groupingBy(Notification::userId, LinkedHashMap::new, Collectors.toList()));
        List<Target> targets = targets(h, byUser.keySet());
        if (targets.isEmpty()) {
            return Outbox::nothing;
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant leaseUntil = now.plus(workers.lease());
        int room = workers.handOffRoom();
        Duration window = burstSettings.window();
        List<Burst> bursts = new ArrayList<>(targets.size());
        List<Row> deliveries = new ArrayList<>(targets.size());
        List<Row> summaries = new ArrayList<>();
        List<DeliveryWorkers.HandOff> handOffs = new ArrayList<>(Math.min(room, targets.size()));
        for (Target t : targets) {
            String origin = Endpoints.origin(URI.create(t.device().endpoint()));
            Instant windowStart = t.burstWindowStart();
            int count = t.burstCount();
            boolean counted = false;
            for (Notification n : byUser.get(t.userId())) {
                if (!n.priority().atLeast(t.device().minPriority())) {
                    continue;
                }
                if (windowStart == null || !now.isBefore(windowStart.plus(window))) {
                    windowStart = now;
                    count = 0;
                }
                count++;
                counted = true;
                boolean fold = count > burstSettings.limit() && n.priority() != Priority.CRITICAL;
                if (fold) {
                    deliveries.add(new Row(
                            ids.next(),
                            Delivery.Kind.NOTIFICATION,
                            n.id(),
                            t.id(),
                            n.userId(),
                            origin,
                            "coalesced",
                            now,
                            windowStart,
                            now,
                            now,
                            null,
                            t.device().deviceName()));
                    summaries.add(new Row(
                            ids.next(),
                            Delivery.Kind.SUMMARY,
                            null,
                            t.id(),
                            n.userId(),
                            origin,
                            "pending",
                            windowStart.plus(window),
                            windowStart,
                            now,
                            null,
                            null,
                            t.device().deviceName()));
                } else if (handOffs.size() < room) {
                    Row leased = new Row(
                            ids.next(),
                            Delivery.Kind.NOTIFICATION,
                            n.id(),
                            t.id(),
                            n.userId(),
                            origin,
                            "sending",
                            now,
                            null,
                            now,
                            null,
                            leaseUntil,
                            t.device().deviceName());
                    deliveries.add(leased);
                    handOffs.add(new DeliveryWorkers.HandOff(leased.delivery(), t.device(), n));
                } else {
                    deliveries.add(new Row(
                            ids.next(),
                            Delivery.Kind.NOTIFICATION,
                            n.id(),
                            t.id(),
                            n.userId(),
                            origin,
                            "pending",
                            now,
                            null,
                            now,
                            null,
                            null,
                            t.device().deviceName()));
                }
            }
            if (counted) {
                bursts.add(new Burst(t.id(), windowStart, count));
            }
        }
        JdbcBatch.execute(h, UPSERT_BURST, bursts, (st, b) -> {
            dialect.bindUuid(st, 1, b.subscriptionId());
            dialect.bindInstant(st, 2, b.windowStart());
            st.setInt(3, b.count());
        });
        JdbcBatch.execute(h, INSERT_DELIVERY, deliveries, this::bindRow);
        JdbcBatch.execute(h, INSERT_SUMMARY, summaries, this::bindRow);
        boolean queued = deliveries.stream().anyMatch(r -> r.state().equals("pending"));
        if (handOffs.isEmpty() && !queued) {
            return Outbox::nothing;
        }
        return () -> {
            if (!handOffs.isEmpty()) {
                workers.handOff(handOffs);
            }
            if (queued) {
                workers.wake();
            }
        };
    }

    private void bindRow(PreparedStatement st, Row r) throws SQLException {
        dialect.bindUuid(st, 1, r.id());
        st.setString(2, r.kind().name().toLowerCase(Locale.ROOT));
        dialect.bindUuid(st, 3, r.notificationId());
        dialect.bindUuid(st, 4, r.subscriptionId());
        dialect.bindUuid(st, 5, r.userId());
        st.setString(6, r.origin());
        st.setString(7, r.state());
        dialect.bindInstant(st, 8, r.nextAttemptAt());
        dialect.bindInstant(st, 9, r.windowStart());
        dialect.bindInstant(st, 10, r.createdAt());
        dialect.bindInstant(st, 11, r.finishedAt());
        dialect.bindInstant(st, 12, r.leaseUntil());
        st.setString(13, r.deviceName());
    }

    /** The after-commit action when nothing was queued. */
    private static void nothing() {}
}
