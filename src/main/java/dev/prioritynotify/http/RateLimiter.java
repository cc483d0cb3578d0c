package dev.prioritynotify.http;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fixed-window counting per key (a user, a client address, an account name). Enough to stop a bot
 * from filling the subscription table or guessing passwords; in memory, so each instance counts on
 * its own.
 */
public final class RateLimiter {
    private record Window(long start, int count) {}

    private final int limit;
    private final long windowMillis;
    private final InstantSource clock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    public RateLimiter(int limit, Duration window, InstantSource clock) {
        this.limit = limit;
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    /** @return 0 when allowed, otherwise the seconds until the window ends */
    public long acquire(String key) {
        long now = clock.millis();
        Window w = windows.compute(
                key,
                (k, old) -> old == null || now - old.start >= windowMillis
                        ? new Window(now, 1)
                        : new Window(old.start, old.count + 1));
        if (windows.size() > 100_000) {
            windows.entrySet().removeIf(e -> now - e.getValue().start >= windowMillis);
        }
        if (w.count <= limit) {
            return 0;
        }
        return Math.max(1, (w.start + windowMillis - now + 999) / 1000);
    }

    /**
     * Without counting: 0 while the key is under its limit, otherwise the seconds until its window
     * ends (a login checks this first and counts only its failures).
     */
    public long retryAfter(String key) {
        long now = clock.millis();
        Window w = windows.get(key);
        if (w == null || now - w.start >= windowMillis || w.count < limit) {
            return 0;
        }
        return Math.max(1, (w.start + windowMillis - now + 999) / 1000);
    }
}
