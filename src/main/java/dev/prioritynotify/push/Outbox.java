package dev.prioritynotify.push;

import dev.prioritynotify.config.Config;
import dev.prioritynotify.notification.Notification;
import dev.prioritynotify.notification.NotificationChange;
import dev.prioritynotify.notification.NotificationListener;
import dev.prioritynotify.notification.Priority;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.store.Ids;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Writes a notification's pushes into the {@code deliveries} outbox in the notification's own
 * transaction — one row per device whose minimum priority admits it — then wakes the workers.
 * Nothing is sent here, so the API answer never waits for a push service, and nothing is lost:
 * what committed will be sent, by this process or, after a crash, by the next.
 *
 * <p>Bursts (seed 004's batch limit): within one burst window per device, pushes past
 * {@code PUSH_BURST_LIMIT} are folded ({@code coalesced}) into one summary push sent when the
 * window ends. {@code critical} is never folded.
 */
final class Outbox implements NotificationListener {
    private static final String SELECT_TARGETS = """
            SELECT id, endpoint, min_priority, burst_window_start, burst_count FROM push_subscriptions WHERE user_id = :userId
            ORDER BY id""";
    private static final String UPDATE_BURST = """
            UPDATE push_subscriptions SET burst_window_start = :windowStart, burst_count = :count WHERE id = :id""";

    private final Dialect dialect;
    private final Ids ids;
    private final InstantSource clock;
    private final Config.Delivery config;
    private final Runnable wake;

    Outbox(Dialect dialect, Ids ids, InstantSource clock, Config.Delivery config, Runnable wake) {
        this.dialect = dialect;
        this.ids = ids;
        this.clock = clock;
        this.config = config;
        this.wake = wake;
    }

    // ORDER BY id: the burst counters below are updated, and so locked, in id order — the order
    // DeliveryRepository.record locks them in. Two transactions taking a user's devices in
    // different orders deadlock on PostgreSQL (seen with concurrent creates and outcomes).
    private record Target(UUID id, String endpoint, Priority minPriority, Instant burstWindowStart, int burstCount) {}

    @Override
    public Runnable record(Handle h, NotificationChange change) {
        if (!(change instanceof NotificationChange.Created created)) {
            return () -> { };
        }
        Notification n = created.notification();
        List<Target> targets = h.createQuery(SELECT_TARGETS).bind("userId", n.userId())
                .map((rs, ctx) -> new Target(dialect.uuid(rs, "id"), rs.getString("endpoint"),
                        Priority.parse(rs.getString("min_priority")), dialect.instant(rs, "burst_window_start"),
                        rs.getInt("burst_count")))
                .list().stream().filter(t -> n.priority().atLeast(t.minPriority())).toList();
        if (targets.isEmpty()) {
            return () -> { };
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Duration window = config.burstWindow();
        PreparedBatch deliveries = h.prepareBatch(DeliveryRepository.INSERT_DELIVERY);
        PreparedBatch summaries = h.prepareBatch(DeliveryRepository.INSERT_SUMMARY);
        PreparedBatch bursts = h.prepareBatch(UPDATE_BURST);
        for (Target t : targets) {
            boolean sameWindow = t.burstWindowStart() != null && now.isBefore(t.burstWindowStart().plus(window));
            Instant windowStart = sameWindow ? t.burstWindowStart() : now;
            int count = sameWindow ? t.burstCount() + 1 : 1;
            bursts.bind("windowStart", windowStart).bind("count", count).bind("id", t.id()).add();
            String origin = Endpoints.origin(URI.create(t.endpoint()));
            boolean fold = count > config.burstLimit() && n.priority() != Priority.CRITICAL;
            if (fold) {
                DeliveryRepository.bindDelivery(deliveries, ids.next(), Delivery.Kind.NOTIFICATION, n.id(), t.id(), n.userId(),
                        origin, "coalesced", now, windowStart, now, now);
                DeliveryRepository.bindDelivery(summaries, ids.next(), Delivery.Kind.SUMMARY, null, t.id(), n.userId(),
                        origin, "pending", windowStart.plus(window), windowStart, now, null);
            } else {
                DeliveryRepository.bindDelivery(deliveries, ids.next(), Delivery.Kind.NOTIFICATION, n.id(), t.id(), n.userId(),
                        origin, "pending", now, null, now, null);
            }
        }
        bursts.execute();
        deliveries.execute();
        if (summaries.size() > 0) {
            summaries.execute(); // one summary per device and window: the unique index makes repeats no-ops
        }
        return wake;
    }
}
