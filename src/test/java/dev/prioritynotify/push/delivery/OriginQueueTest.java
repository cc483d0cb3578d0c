package dev.prioritynotify.push.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OriginQueueTest {
    private static final long SECOND = 1_000_000_000L;
    final List<String> expired = new ArrayList<>();

    @Test
    void noMoreThanTheLimitIsInFlightAndTheRestStartsInClaimOrderAsPushesFinish() {
        OriginQueue<String> queue = new OriginQueue<>(2);
        queue.add(List.of("a", "b", "c", "d"), 0);
        assertThat(queue.takeStartable(0, SECOND, expired::add)).containsExactly("a", "b");
        assertThat(queue.takeStartable(0, SECOND, expired::add)).isEmpty();
        queue.finished();
        assertThat(queue.takeStartable(0, SECOND, expired::add)).containsExactly("c");
        queue.finished();
        queue.finished();
        assertThat(queue.takeStartable(0, SECOND, expired::add)).containsExactly("d");
        assertThat(expired).isEmpty();
    }

    @Test
    void aServiceHasABacklogOnceAWholeRoundWaitsBehindThoseInFlight() {
        OriginQueue<String> queue = new OriginQueue<>(2);
        queue.add(List.of("a", "b", "c"), 0);
        queue.takeStartable(0, SECOND, expired::add);
        assertThat(queue.hasBacklog()).as("one waits, the limit is two").isFalse();
        queue.add(List.of("d"), 0);
        assertThat(queue.hasBacklog()).isTrue();
        queue.finished();
        queue.takeStartable(0, SECOND, expired::add);
        assertThat(queue.hasBacklog()).isFalse();
    }

    @Test
    void pushesThatWaitedLongerThanAllowedAreHandedBackInsteadOfStarted() {
        OriginQueue<String> queue = new OriginQueue<>(1);
        queue.add(List.of("in flight"), 0);
        assertThat(queue.takeStartable(0, SECOND, expired::add)).containsExactly("in flight");
        queue.add(List.of("old", "older still"), 0);
        queue.add(List.of("fresh"), 2 * SECOND);
        queue.finished();
        assertThat(queue.takeStartable(2 * SECOND, SECOND, expired::add)).containsExactly("fresh");
        assertThat(expired).containsExactly("old", "older still");
    }

    @Test
    void atShutdownEverythingWaitingIsRemoved() {
        OriginQueue<String> queue = new OriginQueue<>(1);
        queue.add(List.of("a", "b", "c"), 0);
        assertThat(queue.takeStartable(0, SECOND, expired::add)).containsExactly("a");
        assertThat(queue.removeWaiting()).containsExactly("b", "c");
        assertThat(queue.takeStartable(0, SECOND, expired::add)).isEmpty();
        assertThat(queue.hasBacklog()).isFalse();
    }
}
