package dev.prioritynotify.push.delivery;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the outcomes of pushes to the outbox from one thread, many per transaction.
 *
 * <p>Once an outcome arrives, the recorder lets more gather for up to {@value #LINGER_MILLIS} ms
 * (or until {@value #MAX_BATCH} are waiting) before it writes them all. A batch's transaction
 * rewrites every page its rows live on, and the devices' rows are scattered: 512 outcomes of a
 * burst touched nearly as many pages as 4,096 do, so larger batches write far less in all. An
 * outcome not yet written when the process dies is not lost: the push's lease expires and it is
 * sent again (delivery is at-least-once).
 */
final class OutcomeRecorder {
    private static final Logger log = LoggerFactory.getLogger(OutcomeRecorder.class);
    static final int MAX_BATCH = 4096;
    static final long LINGER_MILLIS = 200;

    private final DeliveryRepository deliveries;
    private final InstantSource clock;
    private final LinkedBlockingQueue<DeliveryRepository.Outcome> outcomes = new LinkedBlockingQueue<>();
    private final Thread thread;
    /** Set once nothing can report any more: the recorder writes what is left, without retrying, and stops. */
    private volatile boolean finishing;

    OutcomeRecorder(DeliveryRepository deliveries, InstantSource clock) {
        this.deliveries = deliveries;
        this.clock = clock;
        this.thread = Thread.ofPlatform().name("push-recorder").daemon(true).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    void add(DeliveryRepository.Outcome outcome) {
        outcomes.add(outcome);
    }

    private void run() {
        List<DeliveryRepository.Outcome> batch = new ArrayList<>();
        while (!finishing || !outcomes.isEmpty()) {
            try {
                DeliveryRepository.Outcome first = outcomes.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                // Sleeping rather than polling: a poll is woken by every outcome that arrives.
                if (outcomes.size() < MAX_BATCH - 1 && !finishing) {
                    Thread.sleep(LINGER_MILLIS);
                }
                batch.add(first);
                outcomes.drainTo(batch, MAX_BATCH - 1);
                write(batch);
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        outcomes.drainTo(batch);
        if (!batch.isEmpty()) {
            write(batch);
        }
    }

    private void write(List<DeliveryRepository.Outcome> batch) {
        for (int attempt = 1; ; attempt++) {
            try {
                deliveries.record(batch, clock.instant());
                return;
            } catch (RuntimeException e) {
                // Unwritten outcomes are not lost: the leases expire and the pushes are sent again.
                if (attempt == 3 || finishing) {
                    log.warn(
                            "could not record {} push outcomes ({}); they will be retried when their lease expires",
                            batch.size(),
                            e.toString());
                    return;
                }
            }
            try {
                Thread.sleep(200L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** No more outcomes will come: writes what is left (within {@code grace}) and stops. */
    void finish(Duration grace) {
        finishing = true;
        try {
            thread.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
