package dev.prioritynotify.push.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in the log that background pushes fail, without a line per push (issue "Fixes first" #4:
 * 108 failed attempts had left no line at all). The first failure of a kind at a push service is
 * logged at once; after it, at most one line a minute per push service and kind, carrying how
 * many were left out since. A kind is what an operator acts on: an HTTP status class, a timeout,
 * a refused connection, the endpoint policy. Only the origin is named: a full endpoint is a
 * capability to push to the device. Left-out failures are told with the next line of their kind;
 * when none comes, the failures have stopped, which is what the operator wants to know.
 */
final class FailureLog {
    static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(FailureLog.class);

    private record Key(String origin, String kind) {}

    /** When the last line of a kind was logged, and how many failures of the kind have come since. */
    private record Reported(Instant at, int leftOut) {}

    private final InstantSource clock;
    private final Map<Key, Reported> reported = new ConcurrentHashMap<>();

    FailureLog(InstantSource clock) {
        this.clock = clock;
    }

    /** One failed push to {@code origin}; {@code message} says what happened and holds no endpoint. */
    void failed(String origin, String kind, String message) {
        Instant now = clock.instant();
        int[] toTell = {-1}; // left-out failures to tell with a line now; -1: no line
        reported.compute(new Key(origin, kind), (key, last) -> {
            if (last == null || !now.isBefore(last.at().plus(INTERVAL))) {
                toTell[0] = last == null ? 0 : last.leftOut();
                return new Reported(now, 0);
            }
            return new Reported(last.at(), last.leftOut() + 1);
        });
        if (toTell[0] == 0) {
            log.warn("push to {} failed: {}", origin, message);
        } else if (toTell[0] > 0) {
            log.warn(
                    "push to {} failed: {} (and {} more such failures since the previous line)",
                    origin,
                    message,
                    toTell[0]);
        }
    }
}
