package dev.prioritynotify.app;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Periodic housekeeping (retention, event pruning). A failing run is logged and retried at the next period. */
final class Jobs implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Jobs.class);

    /** Two threads, so a long housekeeping run never delays the stream heartbeats. */
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(
            2, Thread.ofPlatform().name("jobs-", 0).daemon(true).factory());

    // The schedule's future is not kept: a run's failure is caught and logged inside, and jobs end with the executor.
    @SuppressWarnings("FutureReturnValueIgnored")
    void every(String name, Duration initialDelay, Duration period, Runnable job) {
        executor.scheduleWithFixedDelay(
                () -> {
                    try {
                        job.run();
                    } catch (RuntimeException e) {
                        log.warn("job {} failed; it runs again in {}", name, period, e);
                    }
                },
                initialDelay.toMillis(),
                period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
