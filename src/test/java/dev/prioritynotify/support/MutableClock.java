package dev.prioritynotify.support;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves by hand, so expiry and throttling are checked to the millisecond. */
public final class MutableClock implements InstantSource {
    private volatile Instant now;
    private final Map<String, AtomicLong> readsByThread = new ConcurrentHashMap<>();

    public MutableClock(Instant start) {
        this.now = start;
    }

    public static MutableClock atNow() {
        return new MutableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    @Override
    public Instant instant() {
        Instant t = now;
        readsByThread
                .computeIfAbsent(Thread.currentThread().getName(), name -> new AtomicLong())
                .incrementAndGet();
        return t;
    }

    /**
     * How often the thread of that name has read this clock: a test waits for a worker that
     * reads the time once a round (the push dispatcher) to have gone round at the time it set.
     */
    public long reads(String threadName) {
        AtomicLong n = readsByThread.get(threadName);
        return n == null ? 0 : n.get();
    }

    public void advance(Duration d) {
        now = now.plus(d);
    }
}
