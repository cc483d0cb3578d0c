package dev.prioritynotify.stream;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * In-process fan-out of committed events to the open streams of their user. Publishing never
 * blocks: each stream has a bounded queue, and a stream whose queue is full is cut off (it will
 * reconnect and replay from the log, so it loses nothing, and nobody else waits for it).
 */
public final class StreamHub {
    private final ConcurrentHashMap<UUID, Set<Subscription>> byUser = new ConcurrentHashMap<>();
    private final int capacity;

    public StreamHub(int capacity) {
        this.capacity = capacity;
    }

    Subscription subscribe(UUID userId) {
        Subscription s = new Subscription(userId, capacity);
        byUser.computeIfAbsent(userId, k -> ConcurrentHashMap.newKeySet()).add(s);
        return s;
    }

    void unsubscribe(Subscription s) {
        byUser.computeIfPresent(s.userId, (k, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
        });
    }

    public void publish(Event event) {
        Set<Subscription> subscribers = byUser.get(event.userId());
        if (subscribers == null) {
            return;
        }
        for (Subscription s : subscribers) {
            if (!s.queue.offer(event)) {
                s.cutOff = true;
                unsubscribe(s);
            }
        }
    }

    /** At shutdown: every stream ends promptly instead of waiting for its next heartbeat. */
    public void closeAll() {
        byUser.values().forEach(set -> set.forEach(Subscription::close));
        byUser.clear();
    }

    public int openStreams() {
        return byUser.values().stream().mapToInt(Set::size).sum();
    }

    static final class Subscription {
        private static final Event CLOSE = new Event(null, -1, "close", null, null, null);

        final UUID userId;
        final BlockingQueue<Event> queue;
        volatile boolean cutOff;
        volatile boolean closed;

        Subscription(UUID userId, int capacity) {
            this.userId = userId;
            this.queue = new ArrayBlockingQueue<>(capacity);
        }

        /** The next event, or null after {@code timeoutMillis} with none; null too once closed or cut off. */
        Event poll(long timeoutMillis) throws InterruptedException {
            Event e = queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
            return e == CLOSE ? null : e;
        }

        boolean isOver() {
            return cutOff || closed;
        }

        void close() {
            closed = true;
            queue.offer(CLOSE);
        }
    }
}
