package dev.prioritynotify.push.delivery;

import dev.prioritynotify.config.Config;
import dev.prioritynotify.notification.Notification;
import dev.prioritynotify.notification.Priority;
import dev.prioritynotify.push.subscription.PushSubscription;
import dev.prioritynotify.push.subscription.SubscriptionRepository;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the outbox. A dispatcher thread claims due deliveries under a lease — as many as the
 * global limit allows, leaving out push services that already have a backlog queued — and queues each
 * on its push service's {@link OriginQueue}. What may start is encrypted and sent from virtual
 * threads, a few pushes each; the answers arrive asynchronously, and each one starts the next
 * push of its service. Outcomes are written back in batches by the {@link OutcomeRecorder}. A slow or
 * hanging push service only ever fills its own queue, so other services' pushes flow. Woken at
 * once by new notifications, and polling for retries that fall due.
 */
public final class DeliveryWorkers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryWorkers.class);
    /** Pushes encrypted and sent one after another by one virtual thread. */
    private static final int SEND_CHUNK = 16;

    private final DeliveryRepository deliveries;
    private final SubscriptionRepository subscriptions;
    private final NotificationLookup notifications;
    private final PushSender sender;
    private final PushPayload payloads;
    private final Config.Delivery config;
    private final Duration lease;
    private final Duration leaseSweep;
    private final Backoff backoff;
    private final InstantSource clock;
    private final PushMetrics metrics;

    private final Semaphore global;
    private final int refillAt;
    private final Map<String, OriginQueue<Push>> origins = new ConcurrentHashMap<>();
    /** Pushes handed over by notifications created here (see {@link Outbox}) and not finished yet. */
    private final AtomicInteger handedOff = new AtomicInteger();
    /** How long a claimed push may wait for its push service: well inside the lease (see {@link #startReady}). */
    private final long maxWaitNanos;

    private final FailureLog failures;
    private final Semaphore wakeUp = new Semaphore(0);
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread dispatcher;
    private final OutcomeRecorder recorder;
    private volatile boolean running = true;

    public DeliveryWorkers(
            DeliveryRepository deliveries,
            SubscriptionRepository subscriptions,
            NotificationLookup notifications,
            PushSender sender,
            PushPayload payloads,
            Config.Push push,
            InstantSource clock,
            PushMetrics metrics,
            Backoff backoff) {
        this.deliveries = deliveries;
        this.subscriptions = subscriptions;
        this.notifications = notifications;
        this.sender = sender;
        this.payloads = payloads;
        this.config = push.delivery();
        // Long enough for a claimed push to wait its turn behind a slow push service and time out.
        this.lease = config.workers()
                .lease()
                .orElse(Duration.ofMinutes(5).plus(push.requestTimeout().multipliedBy(4)));
        // Expired leases are looked for every 30 s, or every lease when PUSH_LEASE is shorter.
        this.leaseSweep = lease.compareTo(Duration.ofSeconds(30)) < 0 ? lease : Duration.ofSeconds(30);
        this.backoff = backoff;
        this.clock = clock;
        this.metrics = metrics;
        this.global = new Semaphore(config.concurrency().total());
        this.refillAt = Math.max(
                1, Math.min(config.workers().claimBatch(), config.concurrency().total()) / 4);
        this.maxWaitNanos = lease.toNanos() / 4;
        this.dispatcher =
                Thread.ofPlatform().name("push-dispatcher").daemon(true).unstarted(this::dispatch);
        this.recorder = new OutcomeRecorder(deliveries, clock);
        this.failures = new FailureLog(clock);
    }

    public void start() {
        dispatcher.start();
        recorder.start();
    }

    /** New deliveries were committed: claim them now rather than at the next poll. */
    void wake() {
        if (wakeUp.availablePermits() == 0) {
            wakeUp.release();
        }
    }

    private void dispatch() {
        Instant lastLeaseSweep = Instant.EPOCH;
        while (running) {
            try {
                Instant now = clock.instant();
                if (Duration.between(lastLeaseSweep, now).compareTo(leaseSweep) >= 0) {
                    int released = deliveries.releaseExpired(now);
                    if (released > 0) {
                        log.info(
                                "{} push deliveries whose lease expired (a crashed or stopped sender) are queued again",
                                released);
                    }
                    lastLeaseSweep = now;
                }
                origins.values().forEach(this::startReady); // hands back pushes that waited too long
                int free = global.drainPermits();
                List<Delivery> claimed = free == 0
                        ? List.of()
                        : deliveries.claim(
                                Math.min(free, config.workers().claimBatch()),
                                now,
                                now.plus(lease),
                                backloggedOrigins());
                global.release(free - claimed.size());
                if (!claimed.isEmpty()) {
                    send(claimed);
                }
                if (claimed.size() < Math.min(free, config.workers().claimBatch()) || free == 0) {
                    wakeUp.tryAcquire(config.workers().pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wakeUp.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("push dispatcher: {}; retrying", e.toString());
                sleepQuietly(config.workers().pollInterval());
            }
        }
    }

    private List<String> backloggedOrigins() {
        List<String> backlogged = new ArrayList<>();
        origins.forEach((origin, queue) -> {
            if (queue.hasBacklog()) {
                backlogged.add(origin);
            }
        });
        return backlogged;
    }

    /** A push ready to send: claimed from the queue, or handed over by the notification's own transaction. */
    private record Push(
            Delivery delivery, PushSubscription subscription, PushSender.Message message, boolean handedOff) {}

    /** A push written already leased to this process, as the {@link Outbox} hands it over. */
    record HandOff(Delivery delivery, PushSubscription subscription, Notification notification) {}

    /** How long a push stays leased; the {@link Outbox} leases what it hands over for as long. */
    Duration lease() {
        return lease;
    }

    /**
     * How many more pushes this process takes over directly from notifications being created
     * ({@code PUSH_HANDOFF_LIMIT} less those not finished yet). Not a reservation: concurrent
     * creators may together exceed it a little, which the limit, a bound on memory, allows.
     */
    int handOffRoom() {
        return running ? Math.max(0, config.workers().handOffLimit() - handedOff.get()) : 0;
    }

    /**
     * After the commit of their notifications: pushes written already leased to this process.
     * They join their push services' queues like claimed ones, and end the same way.
     */
    void handOff(List<HandOff> pushes) {
        handedOff.addAndGet(pushes.size());
        Map<UUID, PushSender.Message> messages = new HashMap<>();
        Map<String, List<Push>> byOrigin = new HashMap<>();
        for (HandOff p : pushes) {
            Notification n = p.notification();
            PushSender.Message message = messages.computeIfAbsent(
                    n.id(), id -> new PushSender.Message(payloads.of(n), n.priority(), Optional.ofNullable(n.tag())));
            byOrigin.computeIfAbsent(p.delivery().origin(), o -> new ArrayList<>())
                    .add(new Push(p.delivery(), p.subscription(), message, true));
        }
        enqueue(byOrigin);
    }

    private void send(List<Delivery> claimed) {
        Map<UUID, PushSubscription> subs = new HashMap<>();
        for (PushSubscription s : subscriptions.findByIds(
                claimed.stream().map(Delivery::subscriptionId).distinct().toList())) {
            subs.put(s.id(), s);
        }
        // One payload per notification, shared by all its devices in the batch.
        Map<UUID, PushSender.Message> messages = new HashMap<>();
        for (Notification n : notifications.byIds(claimed.stream()
                .map(Delivery::notificationId)
                .filter(Objects::nonNull)
                .collect(Collectors.toSet()))) {
            messages.put(n.id(), new PushSender.Message(payloads.of(n), n.priority(), Optional.ofNullable(n.tag())));
        }
        Map<String, List<Push>> byOrigin = new HashMap<>();
        for (Delivery d : claimed) {
            PushSubscription s = subs.get(d.subscriptionId());
            if (s == null) {
                complete(new DeliveryRepository.Outcome.Gone(d, 0)); // unsubscribed since
                continue;
            }
            if (!s.userId().equals(d.userId())) {
                // The browser re-subscribed under another account: the old owner's pushes stay with the old owner.
                complete(new DeliveryRepository.Outcome.Dropped(
                        d, "the device was taken over by another user before it was pushed"));
                continue;
            }
            PushSender.Message message =
                    d.kind() == Delivery.Kind.SUMMARY ? summary(d) : messages.get(d.notificationId());
            if (message == null) {
                complete(new DeliveryRepository.Outcome.Dropped(d, "notification was deleted before it was pushed"));
                continue;
            }
            byOrigin.computeIfAbsent(d.origin(), o -> new ArrayList<>()).add(new Push(d, s, message, false));
        }
        enqueue(byOrigin);
    }

    private void enqueue(Map<String, List<Push>> byOrigin) {
        long now = System.nanoTime();
        byOrigin.forEach((origin, pushes) -> {
            OriginQueue<Push> queue = queueOf(origin);
            queue.add(pushes, now);
            startReady(queue);
        });
    }

    private OriginQueue<Push> queueOf(String origin) {
        return origins.computeIfAbsent(
                origin, o -> new OriginQueue<>(config.concurrency().perOrigin()));
    }

    /**
     * Starts what the push service's limit allows, a chunk per virtual thread (encryption is the
     * CPU work here; the requests themselves are asynchronous). A push that waited a quarter of
     * its lease goes back to the queue unsent: still waiting when the lease expires, it would be
     * claimed again and sent twice.
     */
    private void startReady(OriginQueue<Push> queue) {
        List<Push> ready = queue.takeStartable(
                System.nanoTime(), maxWaitNanos, p -> finish(p, new DeliveryRepository.Outcome.Released(p.delivery())));
        for (int from = 0; from < ready.size(); from += SEND_CHUNK) {
            List<Push> chunk = ready.subList(from, Math.min(ready.size(), from + SEND_CHUNK));
            senders.execute(() -> chunk.forEach(p -> sendOne(p, queue)));
        }
    }

    private PushSender.Message summary(Delivery d) {
        int folded = deliveries.countCoalesced(d.subscriptionId(), d.windowStart());
        String title = folded == 1 ? "1 more notification" : folded + " new notifications";
        return new PushSender.Message(
                payloads.summary(title, "/"), Priority.MEDIUM, Optional.of("priority-notify-summary"));
    }

    /** Encrypts and hands the request to the client; the answer is recorded where it arrives. */
    private void sendOne(Push p, OriginQueue<Push> queue) {
        Delivery d = p.delivery();
        if (!running) {
            queue.finished();
            finish(p, new DeliveryRepository.Outcome.Released(d));
            return;
        }
        long started = System.nanoTime();
        CompletableFuture<SendResult> sent;
        try {
            sent = sender.send(p.subscription(), p.message());
        } catch (RuntimeException e) {
            log.warn("push to {} failed unexpectedly", p.subscription().endpointForDisplay(), e);
            sent = CompletableFuture.completedFuture(new SendResult.Retryable(
                    null, "internal error: " + e.getClass().getSimpleName()));
        }
        // Not kept: the callback records every outcome itself, failures included.
        var unused = sent.thenAccept(result -> {
            try {
                metrics.sent(result.outcome(), Duration.ofNanos(System.nanoTime() - started));
                finish(p, outcomeOf(d, p.subscription(), result));
            } finally {
                queue.finished();
                startReady(queue);
                wakeWhenRefillable(queue);
            }
        });
    }

    /**
     * Wakes the dispatcher once a quarter of a claim's worth of permits is free again and the
     * push service that just answered can take more, so that a backlog is claimed as fast as it
     * is sent. Without it the dispatcher, having claimed every permit, slept a whole
     * {@code PUSH_WORKER_POLL} before claiming again: a backlog drained at one claim batch (256)
     * per poll (1 s), ~250 pushes/s, with the sender idle most of the time. While the service
     * still has a backlog queued, a claim could only pass over its pending rows, in vain.
     */
    private void wakeWhenRefillable(OriginQueue<Push> queue) {
        if (global.availablePermits() >= refillAt && !queue.hasBacklog()) {
            wake();
        }
    }

    private DeliveryRepository.Outcome outcomeOf(Delivery d, PushSubscription s, SendResult result) {
        int attempt = d.attempts() + 1;
        Instant now = clock.instant();
        return switch (result) {
            case SendResult.Delivered x -> new DeliveryRepository.Outcome.Delivered(d, x.status());
            case SendResult.Gone x -> {
                log.info(
                        "push subscription {} is gone ({}); removed with its pending pushes",
                        s.endpointForDisplay(),
                        x.status());
                yield new DeliveryRepository.Outcome.Gone(d, x.status());
            }
            case SendResult.RetryAfter x -> {
                failures.failed(
                        d.origin(),
                        "429",
                        "rate limited by the push service for " + x.after().toSeconds() + " s");
                yield retry(
                        d,
                        attempt,
                        429,
                        "rate limited by the push service",
                        now.plus(
                                x.after().compareTo(config.retry().afterCap()) > 0
                                        ? config.retry().afterCap()
                                        : x.after()));
            }
            case SendResult.Retryable x -> {
                // Without an answer the reason is the kind: "connection refused", "timeout after 30 s", …
                failures.failed(d.origin(), x.status() == null ? x.reason() : x.status() / 100 + "xx", x.reason());
                yield retry(d, attempt, x.status(), x.reason(), now.plus(backoff.delayAfter(attempt)));
            }
            case SendResult.Rejected x -> {
                // 400/401/403 mean our request or our VAPID key is wrong, not that the device is
                // dead: the subscription stays.
                failures.failed(
                        d.origin(),
                        Integer.toString(x.status()),
                        x.status() == 401 || x.status() == 403
                                ? x.reason() + " (check VAPID_SUBJECT and the VAPID keys)"
                                : x.reason());
                yield new DeliveryRepository.Outcome.Failed(d, x.status(), x.reason());
            }
            case SendResult.NotAllowed x -> {
                // Not attempted, and not the device's fault: failed without counting against the
                // device, which stays for the day the operator allows its push service again.
                failures.failed(d.origin(), "not allowed", x.reason());
                yield new DeliveryRepository.Outcome.Dropped(d, x.reason());
            }
        };
    }

    /** {@code status}: the push service's answer, null when none came. */
    private DeliveryRepository.Outcome retry(Delivery d, int attempt, Integer status, String error, Instant next) {
        if (backoff.exhausted(attempt)) {
            return new DeliveryRepository.Outcome.Failed(d, status, error + "; gave up after " + attempt + " attempts");
        }
        metrics.retry();
        return new DeliveryRepository.Outcome.Retry(d, status, error, next);
    }

    /** A claimed push is done with (sent, or never to be sent by this claim): its outcome is recorded and its slot freed. */
    private void complete(DeliveryRepository.Outcome outcome) {
        recorder.add(outcome);
        global.release();
    }

    private void finish(Push p, DeliveryRepository.Outcome outcome) {
        if (p.handedOff()) {
            recorder.add(outcome);
            handedOff.decrementAndGet();
        } else {
            complete(outcome);
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops claiming; pushes still waiting for their push service go back to the queue; pushes in flight get
     * {@code PUSH_SHUTDOWN_GRACE} to finish; outcomes are written. A push cut off mid-request
     * keeps its lease and is sent again after restart (delivery is at-least-once).
     */
    @Override
    public void close() {
        running = false;
        wakeUp.release();
        long deadline = System.nanoTime() + config.workers().shutdownGrace().toNanos();
        try {
            dispatcher.join(config.workers().shutdownGrace().toMillis());
            origins.values()
                    .forEach(q -> q.removeWaiting()
                            .forEach(p -> finish(p, new DeliveryRepository.Outcome.Released(p.delivery()))));
            senders.shutdown();
            if (!senders.awaitTermination(remainingMillis(deadline), TimeUnit.MILLISECONDS)) {
                senders.shutdownNow();
                senders.awaitTermination(1, TimeUnit.SECONDS);
            }
            // Requests already sent: every push gives its slot back once its answer is in.
            while (inFlight() > 0 && remainingMillis(deadline) > 0) {
                Thread.sleep(10);
            }
            if (inFlight() > 0) {
                log.info(
                        "{} pushes still in flight at shutdown; they are sent again once their lease expires",
                        inFlight());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            recorder.finish(config.workers().shutdownGrace());
        }
    }

    private int inFlight() {
        return config.concurrency().total() - global.availablePermits() + handedOff.get();
    }

    private static long remainingMillis(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }
}
