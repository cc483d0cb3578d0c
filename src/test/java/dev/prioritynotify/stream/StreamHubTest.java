package dev.prioritynotify.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamHubTest {
    private final StreamHub hub = new StreamHub(8);
    private final UUID ada = UUID.randomUUID();
    private final UUID grace = UUID.randomUUID();

    @AfterEach
    void close() {
        hub.close();
    }

    private Event event(UUID user, long seq) {
        return new Event(user, seq, "notification", UUID.randomUUID(), "{}", Instant.EPOCH);
    }

    @Test
    void endingAUsersStreamsClosesEachOfThemAndNoOneElses() throws Exception {
        StreamHub.Subscription first = hub.subscribe(ada);
        StreamHub.Subscription second = hub.subscribe(ada);
        StreamHub.Subscription other = hub.subscribe(grace);

        assertThat(hub.endStreamsOf(ada)).isEqualTo(2);

        assertThat(first.isOver()).isTrue();
        assertThat(second.isOver()).isTrue();
        // The CLOSE frame wakes a stream blocked on its queue, so it ends at once.
        assertThat(first.queue.poll()).isSameAs(StreamHub.Outgoing.CLOSE);
        assertThat(second.queue.poll()).isSameAs(StreamHub.Outgoing.CLOSE);
        assertThat(other.isOver()).isFalse();
        assertThat(hub.openStreams()).isEqualTo(1);

        hub.publish(event(grace, 1));
        assertThat(other.queue.poll(5, TimeUnit.SECONDS).event().seq()).isEqualTo(1);
    }

    @Test
    void aStreamOpenedAfterwardsIsServedAsUsual() throws Exception {
        StreamHub.Subscription ended = hub.subscribe(ada);
        hub.endStreamsOf(ada);
        ended.queue.clear();

        StreamHub.Subscription reconnected = hub.subscribe(ada);
        hub.publish(event(ada, 7));

        StreamHub.Outgoing out = reconnected.queue.poll(5, TimeUnit.SECONDS);
        assertThat(out).isNotNull();
        assertThat(out.event().seq()).isEqualTo(7);
        assertThat(reconnected.isOver()).isFalse();
        assertThat(ended.queue).isEmpty();
        assertThat(hub.openStreams()).isEqualTo(1);
    }

    @Test
    void aUserWithoutStreamsHasNoneToEnd() {
        hub.subscribe(grace);
        assertThat(hub.endStreamsOf(ada)).isZero();
        assertThat(hub.openStreams()).isEqualTo(1);
    }
}
