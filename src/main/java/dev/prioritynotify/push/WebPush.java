package dev.prioritynotify.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prioritynotify.config.Config;
import dev.prioritynotify.config.Secret;
import dev.prioritynotify.notification.Notification;
import dev.prioritynotify.notification.NotificationChange;
import dev.prioritynotify.notification.NotificationListener;
import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Ids;
import dev.prioritynotify.store.SettingsRepository;
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
 * The Web Push feature: keys, subscriptions and sending. When no usable VAPID key pair exists,
 * push is disabled (the reason was logged once) and everything else keeps working.
 *
 * <p>Delivery here is a hand-off: after a notification commits, its pushes are sent on virtual
 * threads and the API answer never waits for a push service. The durable outbox with retries
 * replaces this hand-off; {@link PushSender} stays the "send this to that subscription" service.
 */
public final class WebPush implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebPush.class);
    /** Protects the process when a burst meets many devices; the rest wait their turn. */
    private static final int MAX_CONCURRENT_SENDS = 256;

    private final SubscriptionRepository subscriptions;
    private final Optional<VapidKeys> keys;
    private final Optional<PushSender> sender;
    private final PushPayload payloads;
    private final InstantSource clock;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore inFlight = new Semaphore(MAX_CONCURRENT_SENDS);

    private WebPush(SubscriptionRepository subscriptions, Optional<VapidKeys> keys, Optional<PushSender> sender,
                    PushPayload payloads, InstantSource clock) {
        this.subscriptions = subscriptions;
        this.keys = keys;
        this.sender = sender;
        this.payloads = payloads;
        this.clock = clock;
    }

    public static WebPush start(Config.Push config, Database db, Ids ids, ObjectMapper mapper, InstantSource clock,
                                Secret secretKey, EndpointPolicy policy) {
        CryptoProviders providers = CryptoProviders.install(config.cryptoProvider() == Config.CryptoProvider.AUTO
                ? CryptoProviders.Mode.AUTO : CryptoProviders.Mode.JDK);
        log.info("push crypto: {}", providers.describe());
        CryptoProviders.accpUnavailableReason().ifPresent(reason -> log.info("ACCP not in use: {}", reason));
        SubscriptionRepository subscriptions = new SubscriptionRepository(db, ids);
        PushPayload payloads = new PushPayload(mapper, config);
        Optional<VapidKeys> keys = new VapidKeyStore(new SettingsRepository(db), mapper, clock).load(config, secretKey);
        Optional<PushSender> sender = Optional.empty();
        if (keys.isPresent()) {
            if (config.vapidSubject().isEmpty()) {
                log.warn("VAPID_SUBJECT: not set (a mailto: or https: contact for push services; an https BASE_URL also serves); Web Push is disabled");
                keys = Optional.empty();
            } else {
                try {
                    VapidSigner signer = new VapidSigner(keys.get(), config.vapidSubject().get(), config.vapidTokenValidity(), providers, clock);
                    sender = Optional.of(new PushSender(new WebPushEncryption(providers), signer, policy, config, clock));
                    log.info("Web Push enabled; VAPID public key {}", keys.get().publicKeyBase64Url());
                } catch (IllegalArgumentException e) {
                    log.warn("{}; Web Push is disabled", e.getMessage());
                    keys = Optional.empty();
                }
            }
        }
        return new WebPush(subscriptions, keys, sender, payloads, clock);
    }

    public boolean enabled() {
        return sender.isPresent();
    }

    /** The application server key browsers subscribe with (base64url, uncompressed point). */
    public Optional<String> publicKey() {
        return enabled() ? keys.map(VapidKeys::publicKeyBase64Url) : Optional.empty();
    }

    public SubscriptionRepository subscriptions() {
        return subscriptions;
    }

    /** Takes part in notification creation: after commit, hands the pushes to background senders. */
    public NotificationListener dispatcher() {
        return (transaction, change) -> {
            if (!(change instanceof NotificationChange.Created created) || !enabled()) {
                return () -> { };
            }
            return () -> executor.execute(() -> deliver(created.notification()));
        };
    }

    /** One device's outcome, for the test push and the logs. */
    public record Outcome(UUID subscriptionId, String endpoint, String deviceName, String result, String detail) {}

    /** Sends {@code n} to each of the user's devices whose minimum priority admits it. */
    List<Outcome> deliver(Notification n) {
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
            result = sender.orElseThrow().send(s, message);
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
        };
    }

    private Outcome failed(PushSubscription s, String result, String detail) {
        subscriptions.markFailed(s.id(), detail);
        log.warn("push to {} failed: {}", s.endpointForDisplay(), detail);
        return outcome(s, result, detail);
    }

    private static Outcome outcome(PushSubscription s, String result, String detail) {
        return new Outcome(s.id(), s.endpointForDisplay(), s.deviceName(), result, detail);
    }

    /** A test push to every device of the user, answering each device's outcome. */
    public List<Outcome> sendTest(Notification probe) {
        return deliver(probe);
    }

    @Override
    public void close() {
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
