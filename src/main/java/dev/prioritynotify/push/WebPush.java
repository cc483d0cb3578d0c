package dev.prioritynotify.push;

import dev.prioritynotify.config.Config;
import dev.prioritynotify.notification.Notification;
import dev.prioritynotify.push.delivery.DeliveryRepository;
import dev.prioritynotify.push.delivery.DeliveryWorkers;
import dev.prioritynotify.push.delivery.NotificationLookup;
import dev.prioritynotify.push.delivery.PushPayload;
import dev.prioritynotify.push.delivery.PushSender;
import dev.prioritynotify.push.delivery.SendResult;
import dev.prioritynotify.push.subscription.NewSubscription;
import dev.prioritynotify.push.subscription.PushSubscription;
import dev.prioritynotify.push.subscription.SubscriptionRepository;
import dev.prioritynotify.push.subscription.Upserted;
import dev.prioritynotify.webpush.VapidKeys;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Web Push feature: keys, subscriptions, the durable delivery queue and sending. When no
 * usable VAPID key pair exists, push is disabled (the reason was logged once) and everything
 * else keeps working.
 *
 * <p>Creating a notification writes its pushes to the outbox in the same transaction
 * ({@link Outbox}); {@link DeliveryWorkers} send them, retry them and record what happened.
 */
public final class WebPush implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebPush.class);
    /** Protects the process when a burst meets many devices; the rest wait their turn. */
    private static final int MAX_CONCURRENT_SENDS = 256;

    private final SubscriptionRepository subscriptions;
    private final DeliveryRepository deliveries;
    private final NotificationLookup notifications;
    private final PushCredentials credentials;
    private final Optional<PushSender> sender;
    private final Optional<DeliveryWorkers> workers;
    private final PushPayload payloads;
    private final InstantSource clock;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore inFlight = new Semaphore(MAX_CONCURRENT_SENDS);
    private final Config.Delivery.Housekeeping housekeeping;

    /** Built by {@code App}; with push unavailable there is no sender and no workers, and nothing is queued. */
    public WebPush(
            SubscriptionRepository subscriptions,
            DeliveryRepository deliveries,
            NotificationLookup notifications,
            PushCredentials credentials,
            Optional<PushSender> sender,
            Optional<DeliveryWorkers> workers,
            PushPayload payloads,
            Config.Delivery.Housekeeping housekeeping,
            InstantSource clock) {
        this.subscriptions = subscriptions;
        this.notifications = notifications;
        this.deliveries = deliveries;
        this.credentials = credentials;
        this.sender = sender;
        this.workers = workers;
        this.payloads = payloads;
        this.housekeeping = housekeeping;
        this.clock = clock;
    }

    /** The gauges of devices and of the queue, read when scraped. */
    public void registerGauges(MeterRegistry metrics) {
        Gauge.builder("push_subscriptions_active", subscriptions, SubscriptionRepository::count)
                .description("stored push subscriptions")
                .register(metrics);
        Gauge.builder("push_deliveries_pending", deliveries, DeliveryRepository::countPending)
                .description("pushes waiting to be sent or being sent")
                .register(metrics);
    }

    /** Starts sending what the outbox holds (nothing to do with push unavailable). */
    public void start() {
        workers.ifPresent(DeliveryWorkers::start);
    }

    public boolean enabled() {
        return sender.isPresent();
    }

    /** When push is disabled: what is missing and which setting fixes it (the line logged at start-up). */
    public Optional<String> unavailableReason() {
        return credentials.unavailable();
    }

    /** The application server key browsers subscribe with (base64url, uncompressed point). */
    public Optional<String> publicKey() {
        return enabled() ? credentials.keys().map(VapidKeys::publicKeyBase64Url) : Optional.empty();
    }

    /** Stores the browser's subscription for the user: a new device, or the known endpoint updated. */
    public Upserted subscribe(UUID userId, NewSubscription subscription) {
        return subscriptions.upsert(userId, subscription, clock.instant());
    }

    /** @return false when the user has no such device */
    public boolean unsubscribeById(UUID userId, UUID id) {
        return subscriptions.deleteById(userId, id);
    }

    /** @return false when the user has no device with that endpoint */
    public boolean unsubscribeByEndpoint(UUID userId, String endpoint) {
        return subscriptions.deleteByEndpoint(userId, endpoint);
    }

    public List<PushSubscription> devices(UUID userId) {
        return subscriptions.listByUser(userId);
    }

    /** Every user's devices (administrators). */
    public List<PushSubscription> allDevices() {
        return subscriptions.listAll();
    }

    /** Per-device state of one notification's pushes; empty when the user has no such notification. */
    public Optional<List<DeliveryRepository.DeliveryView>> deliveries(UUID userId, UUID notificationId) {
        boolean owned = notifications.byIds(List.of(notificationId)).stream()
                .anyMatch(n -> n.userId().equals(userId));
        return owned ? Optional.of(deliveries.forNotification(userId, notificationId)) : Optional.empty();
    }

    /** Daily: forget finished deliveries past their retention, and remove devices that have only failed for too long. */
    public void housekeeping() {
        Instant now = clock.instant();
        int pruned = deliveries.pruneFinishedBefore(now.minus(housekeeping.deliveryRetention()));
        int stale = subscriptions.deleteStale(now.minus(housekeeping.staleAfter()));
        deliveries.deleteOrphanBursts();
        if (pruned > 0 || stale > 0) {
            log.info("push housekeeping: {} finished deliveries pruned, {} stale subscriptions removed", pruned, stale);
        }
    }

    /** One device's outcome, for the test push: {@code result} is {@link SendResult#outcome()}, the queue's name for it too. */
    public record Outcome(UUID subscriptionId, String endpoint, String deviceName, String result, String detail) {}

    /**
     * A test push to every device of the user, sent at once and answered with each outcome. It
     * bypasses the queue on purpose: someone is waiting for the answer, and a test is not worth
     * retrying for an hour.
     */
    public List<Outcome> sendTest(Notification n) {
        List<PushSubscription> targets = subscriptions.listByUser(n.userId()).stream()
                .filter(s -> n.priority().atLeast(s.minPriority()))
                .toList();
        if (targets.isEmpty()) {
            return List.of();
        }
        PushSender.Message message = new PushSender.Message(payloads.of(n), n.priority(), Optional.ofNullable(n.tag()));
        List<Future<Outcome>> futures = new ArrayList<>(targets.size());
        for (PushSubscription s : targets) {
            futures.add(executor.submit(() -> sendOne(s, message)));
        }
        List<Outcome> outcomes = new ArrayList<>(targets.size());
        for (Future<Outcome> f : futures) {
            try {
                outcomes.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                log.warn("push to a device failed unexpectedly", e.getCause());
            }
        }
        return outcomes;
    }

    private Outcome sendOne(PushSubscription s, PushSender.Message message) throws InterruptedException {
        inFlight.acquire();
        SendResult result;
        try {
            result = sender.orElseThrow().send(s, message).join();
        } finally {
            inFlight.release();
        }
        return switch (result) {
            case SendResult.Delivered d -> {
                subscriptions.markDelivered(s.id(), clock.instant());
                yield outcome(s, d, "status " + d.status());
            }
            case SendResult.Gone g -> {
                subscriptions.deleteGone(s.id());
                log.info(
                        "push subscription {} of user {} is gone ({}); removed",
                        s.endpointForDisplay(),
                        s.userId(),
                        g.status());
                yield outcome(s, g, "status " + g.status() + "; subscription removed");
            }
            case SendResult.RetryAfter r ->
                failed(s, r, "rate limited; retry after " + r.after().toSeconds() + " s");
            case SendResult.Retryable r -> failed(s, r, r.reason());
            case SendResult.Rejected r -> failed(s, r, r.reason());
            case SendResult.NotAllowed r -> {
                // As in the queue: not sent, and not counted against the device.
                log.warn("test push to {} not sent: {}", s.endpointForDisplay(), r.reason());
                yield outcome(s, r, r.reason());
            }
        };
    }

    private Outcome failed(PushSubscription s, SendResult result, String detail) {
        subscriptions.markFailed(s.id(), detail, clock.instant());
        log.warn("push to {} failed: {}", s.endpointForDisplay(), detail);
        return outcome(s, result, detail);
    }

    private static Outcome outcome(PushSubscription s, SendResult result, String detail) {
        return new Outcome(s.id(), s.endpointForDisplay(), s.deviceName(), result.outcome(), detail);
    }

    @Override
    public void close() {
        workers.ifPresent(DeliveryWorkers::close);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        sender.ifPresent(PushSender::close);
    }
}
