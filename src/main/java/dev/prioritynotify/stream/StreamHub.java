package dev.prioritynotify.stream;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * In-process fan-out of committed events to the open streams of their user. Publishing is one
 * enqueue: a single fan-out thread takes events in the order they were published (commit order
 * per user) and offers each to its user's streams, so a request never pays for a thousand
 * listeners. Each stream has a bounded queue; a stream whose queue is full is cut off (it will
 * reconnect and replay from the log, so it loses nothing, and nobody else waits for it).
 */
public final class StreamHub implements AutoCloseable {
    private static final Event STOP = new Event(null, -1, "stop", null, null, null);

    private final ConcurrentHashMap<UUID, Set<Subscription>> byUser = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Event> published = new LinkedBlockingQueue<>();
    private final int capacity;

    public StreamHub(int capacity) {
        this.capacity = capacity;
        Thread.ofPlatform().name("stream-fan-out").daemon(true).start(this::fanOut);
    }

    @SuppressWarnings("ReferenceEquality") // STOP is a sentinel: only that instance ends the loop
    private void fanOut() {
        try {
            for (Event e = published.take(); e != STOP; e = published.take()) {
                deliver(e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An event with its SSE frame, rendered once however many streams receive it. */
    record Outgoing(Event event, byte[] frame) {
        static final Outgoing HEARTBEAT = new Outgoing(null, ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
        static final Outgoing CLOSE = new Outgoing(null, new byte[0]);

        static Outgoing of(Event e) {
            String frame = "id: " + e.seq() + "\nevent: " + e.type() + "\ndata: " + e.payload() + "\n\n";
            return new Outgoing(e, frame.getBytes(StandardCharsets.UTF_8));
        }
    }

    Subscription subscribe(UUID userId) {
        Subscription s = new Subscription(userId, capacity);
        // Added inside compute: a set that unsubscribe or endStreamsOf is removing at the same
        // moment could otherwise take the new stream with it, and it would never get an event.
        byUser.compute(userId, (k, set) -> {
            Set<Subscription> streams = set == null ? ConcurrentHashMap.newKeySet() : set;
            streams.add(s);
            return streams;
        });
        return s;
    }

    void unsubscribe(Subscription s) {
        byUser.computeIfPresent(s.userId, (k, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * Ends every stream the user has open now; streams opened afterwards are served as usual. For
     * when what a user may see changes under an open stream (their account deleted, a token
     * revoked): the clients reconnect, are authenticated again and resume from their last event.
     * Returns how many streams were ended.
     */
    public int endStreamsOf(UUID userId) {
        Set<Subscription> streams = byUser.remove(userId);
        if (streams == null) {
            return 0;
        }
        streams.forEach(Subscription::close);
        return streams.size();
    }

    /** Never blocks; called in each user's commit order, which the fan-out keeps. */
    public void publish(Event event) {
        if (byUser.containsKey(event.userId())) {
            published.add(event);
        }
    }

    private void deliver(Event event) {
        Set<Subscription> subscribers = byUser.get(event.userId());
        if (subscribers == null) {
            return;
        }
        Outgoing out = Outgoing.of(event);
        for (Subscription s : subscribers) {
            if (!s.queue.offer(out)) {
                s.cutOff = true;
                unsubscribe(s);
            }
        }
    }

    /**
     * Called every heartbeat interval: one timer for all streams, instead of a timed wait in
     * each. A stream with events already queued needs no heartbeat.
     */
    public void heartbeat() {
        for (Set<Subscription> set : byUser.values()) {
            for (Subscription s : set) {
                if (s.queue.isEmpty()) {
                    s.queue.offer(Outgoing.HEARTBEAT);
                }
            }
        }
    }

    /** At shutdown: every stream ends promptly instead of waiting for its next heartbeat. */
    @Override
    public void close() {
        published.add(STOP);
        byUser.values().forEach(set -> set.forEach(Subscription::close));
        byUser.clear();
    }

    public int openStreams() {
        return byUser.values().stream().mapToInt(Set::size).sum();
    }

    static final class Subscription {
        final UUID userId;
        final BlockingQueue<Outgoing> queue;
        volatile boolean cutOff;
        volatile boolean closed;

        Subscription(UUID userId, int capacity) {
            this.userId = userId;
            this.queue = new ArrayBlockingQueue<>(capacity);
        }

        boolean isOver() {
            return cutOff || closed;
        }

        void close() {
            closed = true;
            queue.offer(Outgoing.CLOSE);
        }
    }
}
