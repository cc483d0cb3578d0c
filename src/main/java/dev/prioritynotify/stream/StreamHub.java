package dev.prioritynotify.stream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * In-process fan-out of committed events to the open streams of their user. Publishing is one
 * enqueue: a single fan-out thread takes events in the order they were published (commit order
 * per user), renders each event's frame once and appends it to each of its user's streams'
 * pending frames. Streams that had nothing pending are handed, in batches, to a small pool of
 * writer threads, which write each stream's pending frames as one non-blocking write and flush.
 * No thread waits per stream: with thousands of streams, an event costs one append per stream
 * and one write per stream that has something to send, instead of waking thousands of threads.
 *
 * <p>A stream whose connection does not take a write now (a slow client) is left until the
 * connection reports it writable again; meanwhile its frames pile up, and once more than the
 * buffer's worth is pending the stream is cut off (it reconnects and replays from the log, so it
 * loses nothing, and nobody else waits for it).
 */
public final class StreamHub implements AutoCloseable {
    private static final Event STOP = new Event(null, -1, "stop", null, null, null);
    /**
     * Streams per writer task: small enough that both writer threads share the work of one
     * event, large enough that handing out tasks costs nothing next to the writes.
     */
    private static final int STREAMS_PER_TASK = 128;
    /** Events the fan-out takes at once when it is behind: their frames reach a stream in one write. */
    private static final int EVENTS_PER_ROUND = 64;
    /** At most this much is copied into one stream's write (unless a single frame is larger). */
    static final int MAX_WRITE_BYTES = 16 * 1024;

    private final ConcurrentHashMap<UUID, Set<Subscription>> byUser = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Event> published = new LinkedBlockingQueue<>();
    private final int capacity;
    private final ExecutorService writers;

    public StreamHub(int capacity) {
        this(capacity, Runtime.getRuntime().availableProcessors());
    }

    StreamHub(int capacity, int writerThreads) {
        this.capacity = capacity;
        // Platform threads: a writer never blocks (writes are non-blocking), so one per core
        // keeps every core busy without the scheduling of a thread per stream.
        this.writers = Executors.newFixedThreadPool(
                Math.max(1, writerThreads),
                Thread.ofPlatform().name("stream-writer-", 0).daemon(true).factory());
        Thread.ofPlatform().name("stream-fan-out").daemon(true).start(this::fanOut);
    }

    @SuppressWarnings("ReferenceEquality") // STOP is a sentinel: only that instance ends the loop
    private void fanOut() {
        List<Event> round = new ArrayList<>(EVENTS_PER_ROUND);
        List<Subscription> ready = new ArrayList<>();
        try {
            while (true) {
                round.add(published.take());
                published.drainTo(round, EVENTS_PER_ROUND - 1);
                for (Event e : round) {
                    if (e == STOP) {
                        return;
                    }
                    deliver(e, ready);
                }
                round.clear();
                dispatch(ready);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An event with its SSE frame, rendered once however many streams receive it. */
    record Outgoing(Event event, byte[] frame) {
        static final Outgoing HEARTBEAT = new Outgoing(null, ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));

        static Outgoing of(Event e) {
            String frame = "id: " + e.seq() + "\nevent: " + e.type() + "\ndata: " + e.payload() + "\n\n";
            return new Outgoing(e, frame.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Where a stream's frames go: the HTTP response, written without blocking. One thread at a
     * time uses it (the subscription hands it from writer to writer).
     */
    interface Sink {
        /**
         * Whether the connection takes a write now (finishing an earlier write's flush first).
         * False: it calls {@link Subscription#writePossible()} once it does.
         */
        boolean ready() throws IOException;

        /** Writes the frames and flushes them, if the connection takes it now. Only after {@link #ready()}. */
        void write(byte[] frames) throws IOException;

        /**
         * Events of the stream's user with {@code after < seq <= upTo} from the log, oldest first,
         * at most a page; may block (it runs on its own virtual thread).
         */
        List<Event> missed(long after, long upTo);

        /** Ends the response; called once, from any thread. */
        void end();
    }

    /** A new stream: its frames are kept until {@link Subscription#attach} says where to write them. */
    Subscription subscribe(UUID userId) {
        Subscription s = new Subscription(this, userId, capacity);
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

    private void deliver(Event event, List<Subscription> ready) {
        Set<Subscription> subscribers = byUser.get(event.userId());
        if (subscribers == null) {
            return;
        }
        Outgoing out = Outgoing.of(event);
        for (Subscription s : subscribers) {
            offer(s, out, ready);
        }
    }

    private static void offer(Subscription s, Outgoing out, List<Subscription> ready) {
        switch (s.offer(out)) {
            case SCHEDULE -> ready.add(s);
            case FULL -> s.cutOff();
            case QUEUED -> {}
        }
    }

    /** Hands the streams to the writers in batches; clears the list. */
    private void dispatch(List<Subscription> ready) {
        for (int from = 0; from < ready.size(); from += STREAMS_PER_TASK) {
            List<Subscription> batch =
                    List.copyOf(ready.subList(from, Math.min(ready.size(), from + STREAMS_PER_TASK)));
            submit(() -> batch.forEach(Subscription::drain));
        }
        ready.clear();
    }

    private void submit(Runnable task) {
        try {
            writers.execute(task);
        } catch (RejectedExecutionException e) {
            // Shut down: close() has ended every stream.
        }
    }

    /**
     * Called every heartbeat interval: one timer for all streams, instead of a timed wait in
     * each. A stream with frames already pending needs no heartbeat.
     */
    public void heartbeat() {
        List<Subscription> ready = new ArrayList<>();
        for (Set<Subscription> set : byUser.values()) {
            for (Subscription s : set) {
                if (s.idle()) {
                    offer(s, Outgoing.HEARTBEAT, ready);
                }
            }
        }
        dispatch(ready);
    }

    /** At shutdown: every stream ends promptly instead of waiting for its next heartbeat. */
    @Override
    public void close() {
        published.add(STOP);
        byUser.values().forEach(set -> set.forEach(Subscription::close));
        byUser.clear();
        writers.shutdown();
    }

    public int openStreams() {
        return byUser.values().stream().mapToInt(Set::size).sum();
    }

    enum Offered {
        /** Pending, and a writer already has the stream (or it is waiting to become writable). */
        QUEUED,
        /** Pending, and the caller must hand the stream to a writer. */
        SCHEDULE,
        /** More than the buffer's worth pending: the client does not keep up. */
        FULL
    }

    /**
     * One open stream: its pending frames, and the position ({@code last}) up to which it has
     * written its user's events. {@code owned} says a drain is due or under way (a writer task
     * has it, or the connection's write-possible callback or a gap fill will drain it): offers
     * then only append. It is cleared by the drain that finds nothing pending.
     */
    static final class Subscription {
        final UUID userId;
        private final StreamHub hub;
        private final int capacity;
        // Guarded by this: the frames not yet written, and whether a thread has the stream.
        // Until attach, nobody drains it: the frames of events published meanwhile are kept.
        private List<Outgoing> pending = new ArrayList<>(2);
        private boolean owned = true;
        private boolean ended;
        private volatile Sink sink;
        private volatile long last;
        private volatile boolean cutOff;
        private volatile boolean closed;
        /** A gap is being read from the log: nothing is written until it is filled. */
        private volatile boolean filling;

        private final AtomicInteger drains = new AtomicInteger();

        Subscription(StreamHub hub, UUID userId, int capacity) {
            this.hub = hub;
            this.userId = userId;
            this.capacity = capacity;
        }

        boolean isOver() {
            return cutOff || closed;
        }

        synchronized int pendingFrames() {
            return pending.size();
        }

        private synchronized boolean idle() {
            return pending.isEmpty();
        }

        private synchronized Offered offer(Outgoing out) {
            if (ended) {
                return Offered.QUEUED;
            }
            if (pending.size() >= capacity) {
                return Offered.FULL;
            }
            pending.add(out);
            if (owned) {
                return Offered.QUEUED;
            }
            owned = true;
            return Offered.SCHEDULE;
        }

        /**
         * The stream goes live: frames are written to {@code to}, events up to {@code last} were
         * already written (replayed) and are skipped. The sink calls {@link #writePossible()}
         * when it can first be written to; that first drain writes what is pending.
         */
        void attach(Sink to, long lastWritten) {
            this.last = lastWritten;
            boolean over;
            synchronized (this) {
                sink = to;
                over = ended;
            }
            if (over) {
                to.end();
            }
        }

        /** The sink's connection takes writes (again): carry on writing. */
        void writePossible() {
            drain();
        }

        private void cutOff() {
            cutOff = true;
            end();
        }

        void close() {
            closed = true;
            end();
        }

        /**
         * Writes what is pending until nothing is, or until the connection stops taking writes.
         * Callable from any thread at any time (a writer task, the connection's write-possible
         * callback, the end of a gap fill): one thread drains at a time, and a call that arrives
         * meanwhile makes that thread look once more instead of writing beside it.
         */
        void drain() {
            if (drains.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                drainOnce();
                missed = drains.addAndGet(-missed);
            } while (missed != 0);
        }

        private void drainOnce() {
            Sink to = sink;
            if (to == null || filling) {
                return; // not attached yet (its first writePossible() drains), or the gap fill will
            }
            try {
                while (!isOver()) {
                    if (!to.ready()) {
                        return; // writePossible() continues
                    }
                    List<Outgoing> batch;
                    synchronized (this) {
                        if (pending.isEmpty()) {
                            owned = false;
                            return;
                        }
                        batch = takeWrite();
                    }
                    if (!send(to, batch)) {
                        return; // a gap: its fill drains again
                    }
                }
                end();
            } catch (IOException | RuntimeException e) {
                // The client went away (or the response was already ended): the normal end of every stream.
                end();
            }
        }

        /**
         * The pending frames of one write: all of them, or as many as fit in
         * {@link #MAX_WRITE_BYTES} (at least one). Frames are shared by every stream; the write
         * copies them into one array per stream, so a client that is behind must not turn its
         * whole backlog into a private copy.
         */
        private List<Outgoing> takeWrite() {
            int bytes = 0;
            int n = 0;
            while (n < pending.size() && (n == 0 || bytes + pending.get(n).frame().length <= MAX_WRITE_BYTES)) {
                bytes += pending.get(n).frame().length;
                n++;
            }
            if (n == pending.size()) {
                List<Outgoing> all = pending;
                pending = new ArrayList<>(2);
                return all;
            }
            List<Outgoing> head = pending.subList(0, n);
            List<Outgoing> batch = new ArrayList<>(head);
            head.clear();
            return batch;
        }

        /**
         * Writes the batch's frames in sequence as one write: events already written are skipped;
         * an event beyond the next one means an earlier event of this user committed but has not
         * reached the hub (it came from another instance, or its publication failed), so the rest
         * waits for the log to fill the gap. Returns false then.
         */
        private boolean send(Sink to, List<Outgoing> batch) throws IOException {
            byte[] single = null;
            Bytes many = null;
            long at = last;
            for (int i = 0; i < batch.size(); i++) {
                Outgoing out = batch.get(i);
                Event e = out.event();
                if (e != null) {
                    if (e.seq() <= at) {
                        continue;
                    }
                    if (e.seq() > at + 1) {
                        last = at;
                        if (single != null || many != null) {
                            to.write(many != null ? many.toArray() : single);
                        }
                        List<Outgoing> rest = batch.subList(i, batch.size());
                        synchronized (this) {
                            List<Outgoing> waiting = new ArrayList<>(rest.size() + pending.size());
                            waiting.addAll(rest);
                            waiting.addAll(pending);
                            pending = waiting;
                        }
                        fillGap(e.seq() - 1);
                        return false;
                    }
                    at = e.seq();
                }
                if (single == null && many == null) {
                    single = out.frame();
                } else {
                    if (many == null) {
                        many = new Bytes(single);
                    }
                    many.add(out.frame());
                }
            }
            last = at;
            if (single != null || many != null) {
                to.write(many != null ? many.toArray() : single);
            }
            return true;
        }

        /** Reads the missing events from the log on a virtual thread (it blocks), puts them first, drains. */
        private void fillGap(long upTo) {
            Sink to = sink;
            long after = last;
            filling = true;
            Thread.ofVirtual().name("stream-gap-fill").start(() -> {
                try {
                    List<Event> missed = to.missed(after, upTo);
                    if (missed.isEmpty()) {
                        // Pruned by age: the rest of the range no longer exists. Continue from its end.
                        last = upTo;
                    }
                    synchronized (this) {
                        List<Outgoing> waiting = new ArrayList<>(missed.size() + pending.size());
                        missed.forEach(e -> waiting.add(Outgoing.of(e)));
                        waiting.addAll(pending);
                        pending = waiting;
                    }
                    filling = false;
                    drain();
                } catch (RuntimeException e) {
                    end(); // the log is unreachable: the client reconnects and replays later
                }
            });
        }

        /** Unsubscribes and ends the response, once; pending frames are dropped. */
        void end() {
            Sink to;
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
                closed = true;
                pending = List.of();
                to = sink;
            }
            hub.unsubscribe(this);
            if (to != null) {
                to.end();
            }
        }
    }

    /** Frames appended into one array, for one write. */
    private static final class Bytes {
        private byte[] buf;
        private int size;

        Bytes(byte[] first) {
            buf = new byte[Math.max(1024, first.length * 4)];
            add(first);
        }

        void add(byte[] b) {
            if (size + b.length > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + b.length));
            }
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, size);
        }
    }
}
