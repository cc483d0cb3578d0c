package dev.prioritynotify.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prioritynotify.config.Config;
import dev.prioritynotify.config.Secret;
import dev.prioritynotify.notification.Notification;
import dev.prioritynotify.notification.NotificationListener;
import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Ids;
import dev.prioritynotify.store.SettingsRepository;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
    private final Optional<VapidKeys> keys;
    private final Optional<PushSender> sender;
    private final Optional<DeliveryWorkers> workers;
    private final PushPayload payloads;
    private final Config.Push config;
    private final Database db;
    private final Ids ids;
    private final InstantSource clock;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore inFlight = new Semaphore(MAX_CONCURRENT_SENDS);
    private final Optional<String> unavailable;

    private WebPush(SubscriptionRepository subscriptions, DeliveryRepository deliveries, Optional<VapidKeys> keys,
                    Optional<PushSender> sender, Optional<DeliveryWorkers> workers, PushPayload payloads, Config.Push config,
                    Database db, Ids ids, InstantSource clock, Optional<String> unavailable) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.keys = keys;
        this.sender = sender;
        this.workers = workers;
        this.payloads = payloads;
        this.config = config;
        this.db = db;
        this.ids = ids;
        this.clock = clock;
        this.unavailable = unavailable;
    }

    /**
     * @param notifications how the workers read the notifications of the pushes they have claimed (by id)
     */
    public static WebPush start(Config.Push config, Database db, Ids ids, ObjectMapper mapper, InstantSource clock,
                                Secret secretKey, EndpointPolicy policy, MeterRegistry metrics,
                                Function<Collection<UUID>, List<Notification>> notifications) {
        CryptoProviders providers = CryptoProviders.install(config.cryptoProvider() == Config.CryptoProvider.AUTO
                ? CryptoProviders.Mode.AUTO : CryptoProviders.Mode.JDK);
        log.info("push crypto: {}", providers.describe());
        CryptoProviders.accpUnavailableReason().ifPresent(reason -> log.info("ACCP not in use: {}", reason));
        SubscriptionRepository subscriptions = new SubscriptionRepository(db, ids);
        PushPayload payloads = new PushPayload(mapper, config);
        Optional<VapidKeys> keys = Optional.empty();
        Optional<PushSender> sender = Optional.empty();
        String unavailable = null;
        try {
            VapidKeys loaded = new VapidKeyStore(new SettingsRepository(db), mapper, clock).load(config, secretKey);
            String subject = config.vapidSubject().orElseThrow(() -> new PushUnavailable(
                    "VAPID_SUBJECT: not set (set it to a mailto: or https: contact for push services; an https BASE_URL also serves)"));
            VapidSigner signer;
            try {
                signer = new VapidSigner(loaded, subject, config.vapidTokenValidity(), providers, clock);
            } catch (IllegalArgumentException e) {
                throw new PushUnavailable(e.getMessage());
            }
            keys = Optional.of(loaded);
            sender = Optional.of(new PushSender(new WebPushEncryption(providers), signer, policy, config, clock));
            log.info("Web Push enabled; VAPID public key {}", loaded.publicKeyBase64Url());
        } catch (PushUnavailable e) {
            unavailable = e.getMessage();
            log.warn("{}; Web Push is disabled", unavailable);
        }
        DeliveryRepository deliveries = new DeliveryRepository(db, subscriptions);
        Optional<DeliveryWorkers> workers = sender.map(s -> new DeliveryWorkers(deliveries, subscriptions, notifications, s,
                payloads, config, clock, new PushMetrics(metrics),
                new Backoff(config.delivery().retryBase(), config.delivery().retryMaxDelay(),
                        config.delivery().retryMaxAttempts(), () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble())));
        Gauge.builder("push_subscriptions_active", subscriptions, SubscriptionRepository::count)
                .description("stored push subscriptions").register(metrics);
        Gauge.builder("push_deliveries_pending", deliveries, DeliveryRepository::countPending)
                .description("pushes waiting to be sent or being sent").register(metrics);
        workers.ifPresent(DeliveryWorkers::start);
        return new WebPush(subscriptions, deliveries, keys, sender, workers, payloads, config, db, ids, clock,
                Optional.ofNullable(unavailable));
    }

    public boolean enabled() {
        return sender.isPresent();
    }

    /** When push is disabled: what is missing and which setting fixes it (the line logged at start-up). */
    public Optional<String> unavailableReason() {
        return unavailable;
    }

    /** The application server key browsers subscribe with (base64url, uncompressed point). */
    public Optional<String> publicKey() {
        return enabled() ? keys.map(VapidKeys::publicKeyBase64Url) : Optional.empty();
    }

    public SubscriptionRepository subscriptions() {
        return subscriptions;
    }

    /**
     * Takes part in notification creation: the outbox rows commit with the notification. With
     * push disabled nothing is queued (there would be no key to send them with).
     */
    public NotificationListener outbox() {
        return workers.<NotificationListener>map(w -> new Outbox(db.dialect(), ids, clock, config.delivery(), w))
                .orElse((transaction, change) -> () -> { });
    }

    /** Per-device state of one notification's pushes; empty when the user has no such notification. */
    public Optional<List<DeliveryRepository.DeliveryView>> deliveries(UUID userId, UUID notificationId) {
        return deliveries.forNotification(userId, notificationId);
    }

    /** Daily: forget finished deliveries past their retention, and remove devices that have only failed for too long. */
    public void housekeeping() {
        Instant now = clock.instant();
        int pruned = deliveries.pruneFinishedBefore(now.minus(config.delivery().retention()));
        int stale = deliveries.deleteStaleSubscriptions(now.minus(config.delivery().staleAfter()));
        deliveries.deleteOrphanBursts();
        if (pruned > 0 || stale > 0) {
            log.info("push housekeeping: {} finished deliveries pruned, {} stale subscriptions removed", pruned, stale);
        }
    }

    /** One device's outcome, for the test push and the logs. */
    public record Outcome(UUID subscriptionId, String endpoint, String deviceName, String result, String detail) {}

    /**
     * A test push to every device of the user, sent at once and answered with each outcome. It
     * bypasses the queue on purpose: someone is waiting for the answer, and a test is not worth
     * retrying for an hour.
     */
    public List<Outcome> sendTest(Notification n) {
        List<PushSubscription> targets = subscriptions.listByUser(n.userId()).stream()
                .filter(s -> n.priority().atLeast(s.minPriority())).toList();
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
                yield outcome(s, "delivered", "status " + d.status());
            }
            case SendResult.Gone g -> {
                subscriptions.deleteGone(s.id());
                log.info("push subscription {} of user {} is gone ({}); removed", s.endpointForDisplay(), s.userId(), g.status());
                yield outcome(s, "gone", "status " + g.status() + "; subscription removed");
            }
            case SendResult.RetryAfter r -> failed(s, "retry_after", "rate limited; retry after " + r.after().toSeconds() + " s");
            case SendResult.Retryable r -> failed(s, "retryable", r.reason());
            case SendResult.Rejected r -> failed(s, "rejected", r.reason());
            case SendResult.NotAllowed r -> {
                // As in the queue: not sent, and not counted against the device.
                log.warn("test push to {} not sent: {}", s.endpointForDisplay(), r.reason());
                yield outcome(s, "not_allowed", r.reason());
            }
        };
    }

    private Outcome failed(PushSubscription s, String result, String detail) {
        subscriptions.markFailed(s.id(), detail, clock.instant());
        log.warn("push to {} failed: {}", s.endpointForDisplay(), detail);
        return outcome(s, result, detail);
    }

    private static Outcome outcome(PushSubscription s, String result, String detail) {
        return new Outcome(s.id(), s.endpointForDisplay(), s.deviceName(), result, detail);
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
