package dev.prioritynotify.push.delivery;

import dev.prioritynotify.config.Config;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Retry delays: {@code base × 2^(attempt-1)}, capped, with ±10 % jitter so that devices failed by
 * one outage do not all come back in the same instant — and so that delays still grow.
 */
public record Backoff(Duration base, Duration cap, int maxAttempts, DoubleSupplier random) {

    /** The configured schedule ({@code PUSH_RETRY_*}) with random jitter. */
    public static Backoff of(Config.Delivery.Retry retry) {
        return new Backoff(
                retry.base(),
                retry.maxDelay(),
                retry.maxAttempts(),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param attempt the attempt that just failed, from 1 */
    Duration delayAfter(int attempt) {
        double millis = base.toMillis() * Math.pow(2, Math.min(attempt - 1, 40));
        millis = Math.min(millis, (double) cap.toMillis());
        return Duration.ofMillis(Math.round(millis * (0.9 + 0.2 * random.getAsDouble())));
    }

    boolean exhausted(int attempt) {
        return attempt >= maxAttempts;
    }
}
