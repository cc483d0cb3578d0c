package dev.prioritynotify.notification;

import dev.prioritynotify.store.Database;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: the writes that requests submit at about the same time are applied in one
 * transaction, and each request is answered once that transaction has committed. A commit costs
 * the same for one row as for a hundred (SQLite's log write, PostgreSQL's WAL flush), so under
 * load its cost is shared by everyone who was waiting for it instead of being paid by each.
 *
 * <p>Writes are spread over lanes by user: one user's writes always go through the same lane, in
 * the order they were submitted, and the lane runs each group's after-commit actions (waking
 * streams and push workers) before it starts the next group, so listeners see each user's changes
 * in commit order. On SQLite there is one lane, as SQLite has one writer; on PostgreSQL lanes
 * commit in parallel on their own connections, and a user's event sequence (a row lock held to
 * commit) is bumped once per group rather than once per create, so one busy user's creates are not
 * serialised on commit latency.
 *
 * <p>A failing write fails only itself: when a group's transaction fails, each of its writes is
 * tried again in a transaction of its own, and only those that fail alone are answered with
 * their error.
 */
final class GroupCommit implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    /**
     * Writes per transaction at most. A broadcast fills groups this size (larger groups write fewer
     * pages in all); single requests rarely queue this deep. The bound keeps the time a group
     * holds the writer, and what a failed group retries one by one, to about a tenth of a second.
     */
    static final int MAX_GROUP = 1000;

    /** What a group's transaction does with its writes; returns the actions to run after the commit. */
    interface Applier {
        List<Runnable> apply(Handle h, List<Write<?>> group);
    }

    /**
     * One submitted write: what it does is up to the {@link Applier}; {@code result} is set by it
     * during the transaction and handed to the request only once the transaction has committed.
     */
    abstract static class Write<R> {
        final UUID userId;
        private final CompletableFuture<R> done = new CompletableFuture<>();
        private R result;
        private RuntimeException refusal;

        Write(UUID userId) {
            this.userId = userId;
        }

        void result(R value) {
            this.result = value;
            this.refusal = null;
        }

        /** The write was left out of its group's transaction: its request gets this once the group has committed. */
        void refuse(RuntimeException why) {
            this.result = null;
            this.refusal = why;
        }

        /** Blocks until the write has committed (or failed); rethrows its failure as it was thrown. */
        R await() {
            try {
                return done.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
                throw e;
            }
        }
    }

    private final Database db;
    private final Applier applier;
    private final Lane[] lanes;

    GroupCommit(Database db, Applier applier) {
        this.db = db;
        this.applier = applier;
        int count = db.concurrentWriters();
        this.lanes = new Lane[count];
        for (int i = 0; i < count; i++) {
            lanes[i] = new Lane(i);
        }
    }

    /** Queues the writes (each in its user's lane) without waiting; {@link Write#await} waits for each. */
    void submit(List<? extends Write<?>> writes) {
        for (Write<?> w : writes) {
            lanes[Math.floorMod(w.userId.hashCode(), lanes.length)].add(w);
        }
    }

    <R> R run(Write<R> write) {
        submit(List.of(write));
        return write.await();
    }

    /** Writes submitted and not yet taken into a transaction. */
    int waiting() {
        int n = 0;
        for (Lane lane : lanes) {
            n += lane.queue.size();
        }
        return n;
    }

    /** Lets the writes already queued finish, then stops; later submissions are refused. */
    @Override
    public void close() {
        for (Lane lane : lanes) {
            lane.close();
        }
    }

    private final class Lane {
        private static final Write<Void> STOP = new Write<>(new UUID(0, 0)) {};

        private final int index;
        private final LinkedBlockingQueue<Write<?>> queue = new LinkedBlockingQueue<>();
        private Thread thread; // started with the first write: the CLI and many tests never write
        private boolean closed;

        Lane(int index) {
            this.index = index;
        }

        synchronized void add(Write<?> w) {
            if (closed) {
                w.done.completeExceptionally(new IllegalStateException("the server is shutting down"));
                return;
            }
            if (thread == null) {
                thread = Thread.ofPlatform()
                        .name("group-commit-" + index)
                        .daemon(true)
                        .start(this::loop);
            }
            queue.add(w);
        }

        void close() {
            Thread t;
            synchronized (this) {
                closed = true;
                t = thread;
                if (t == null) {
                    return;
                }
                queue.add(STOP);
            }
            try {
                if (!t.join(Duration.ofSeconds(30))) {
                    log.warn("group commit lane {} did not finish its queued writes within 30 s", index);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @SuppressWarnings("ReferenceEquality") // STOP is a sentinel: only that instance ends the loop
        private void loop() {
            List<Write<?>> group = new ArrayList<>();
            boolean stopping = false;
            while (!stopping) {
                try {
                    group.add(queue.take());
                    queue.drainTo(group, MAX_GROUP - 1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (group.remove(STOP)) {
                    stopping = true; // everything queued before it is in this group
                }
                if (!group.isEmpty()) {
                    commit(group);
                }
                group.clear();
            }
        }

        private void commit(List<Write<?>> group) {
            List<Runnable> afterCommit;
            try {
                afterCommit = db.inTransaction(h -> applier.apply(h, group));
            } catch (RuntimeException e) {
                if (group.size() == 1) {
                    fail(group.getFirst(), e);
                } else {
                    log.debug("a group of {} writes failed; trying each on its own", group.size(), e);
                    for (Write<?> w : group) {
                        commit(List.of(w));
                    }
                }
                return;
            }
            runAll(afterCommit);
            group.forEach(Lane::complete);
        }

        private static <R> void complete(Write<R> w) {
            if (w.refusal != null) {
                w.done.completeExceptionally(w.refusal);
            } else {
                w.done.complete(w.result);
            }
        }

        private static void fail(Write<?> w, RuntimeException e) {
            w.result(null);
            w.done.completeExceptionally(e);
        }
    }

    static void runAll(List<Runnable> afterCommit) {
        for (Runnable action : afterCommit) {
            try {
                action.run();
            } catch (RuntimeException e) {
                // The change is committed; a failed wake-up is caught up by polling and replay.
                log.warn("after-commit action failed", e);
            }
        }
    }
}
