package dev.prioritynotify.push;

import dev.prioritynotify.support.MutableClock;
import dev.prioritynotify.support.TestServer;
import java.time.Duration;
import java.time.Instant;
import org.awaitility.Awaitility;

/**
 * Waits for a positive signal that nothing more will reach a push service until the test moves
 * the clock or creates notifications: the outbox has no push in flight and none due. After it, a
 * test counts what arrived and the count is final.
 *
 * <p>Why the rows and not a later marker push: pushes to one push service go up to
 * {@code PUSH_CONCURRENCY_PER_ORIGIN} (64) at a time over separate requests, and a new
 * notification's pushes are handed straight to the workers while a retry or a summary waits for
 * the dispatcher's claim, so a marker can overtake exactly the push the test is watching for.
 * The rows cannot be overtaken: every push is a row that is {@code sending} from its claim (or
 * hand-off) until its answer is recorded, and the test push service records a request before it
 * answers it. So once no row is {@code sending} and none is due, every request made has arrived,
 * and the workers have nothing they may send.
 */
final class QuietOutbox {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** The dispatcher reads the clock once a round (see DeliveryWorkers#dispatch). */
    private static final String DISPATCHER = "push-dispatcher";

    private static final String COUNT_SENDING_OR_DUE = """
            SELECT COUNT(*) FROM deliveries WHERE state = 'sending' OR (state = 'pending' AND next_attempt_at <= :now)""";

    private QuietOutbox() {}

    /**
     * For a server on a clock the test moves: first the dispatcher goes round a whole claim at the
     * clock's time (so a push that the time the test set made due — wrongly or not — is claimed
     * and {@code sending}), then the outbox settles as {@link #await(TestServer, Instant)} waits.
     */
    static void await(TestServer server, MutableClock clock) {
        // A read counted after this snapshot may have returned the time before it; the second
        // one returns the current time and starts the claim at it; the third starts the next
        // round, after that claim was committed.
        long seen = clock.reads(DISPATCHER);
        Awaitility.await("the push dispatcher goes round a claim at " + clock.instant())
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> clock.reads(DISPATCHER) >= seen + 3);
        await(server, clock.instant());
    }

    /** No push is in flight and none is due at {@code now}. */
    static void await(TestServer server, Instant now) {
        Awaitility.await("no push in flight and none due at " + now)
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> sendingOrDue(server, now) == 0);
    }

    private static long sendingOrDue(TestServer server, Instant now) {
        return server.app()
                .services()
                .db()
                .jdbi()
                .withHandle(h -> h.createQuery(COUNT_SENDING_OR_DUE)
                        .bind("now", now)
                        .mapTo(Long.class)
                        .one());
    }
}
