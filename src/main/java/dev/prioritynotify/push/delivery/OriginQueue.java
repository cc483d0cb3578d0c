package dev.prioritynotify.push.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One push service's claimed pushes in this process: at most {@code limit} in flight, the others
 * waiting in claim order. Nothing blocks: whoever adds pushes or finishes one takes what may start
 * now. A push that has waited longer than its caller allows is handed back instead of started,
 * so that a hanging push service cannot keep a claimed push past its lease.
 *
 * @param <T> a push
 */
final class OriginQueue<T> {
    private record Waiting<T>(T push, long sinceNanos) {}

    private final int limit;
    private final ArrayDeque<Waiting<T>> waiting = new ArrayDeque<>();
    private int inFlight;

    OriginQueue(int limit) {
        this.limit = limit;
    }

    synchronized void add(List<T> pushes, long nowNanos) {
        for (T push : pushes) {
            waiting.add(new Waiting<>(push, nowNanos));
        }
    }

    /**
     * Takes the pushes that may start now and counts them in flight; those that waited longer
     * than {@code maxWaitNanos} go to {@code expired} instead (neither started nor counted).
     */
    synchronized List<T> takeStartable(long nowNanos, long maxWaitNanos, Consumer<T> expired) {
        while (!waiting.isEmpty() && nowNanos - waiting.peek().sinceNanos() > maxWaitNanos) {
            expired.accept(waiting.poll().push());
        }
        int n = Math.min(limit - inFlight, waiting.size());
        if (n <= 0) {
            return List.of();
        }
        List<T> startable = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            startable.add(waiting.poll().push());
        }
        inFlight += n;
        return startable;
    }

    /** One push in flight has its answer (or was not sent after all). */
    synchronized void finished() {
        inFlight--;
    }

    /**
     * A whole round of pushes already waits behind those in flight: claiming more for this push
     * service would only lengthen its queue (and leave other services' pushes unclaimed). Below
     * that, claiming more keeps the service's pipe full while its queue drains.
     */
    synchronized boolean hasBacklog() {
        return waiting.size() >= limit;
    }

    /** Everything still waiting (at shutdown), no longer queued. */
    synchronized List<T> removeWaiting() {
        List<T> all = new ArrayList<>(waiting.size());
        waiting.forEach(w -> all.add(w.push()));
        waiting.clear();
        return all;
    }
}
