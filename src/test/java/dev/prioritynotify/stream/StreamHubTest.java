package dev.prioritynotify.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamHubTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Pattern ID = Pattern.compile("^id: (\\d+)$", Pattern.MULTILINE);

    private final StreamHub hub = new StreamHub(8, 2);
    private final UUID ada = UUID.randomUUID();
    private final UUID grace = UUID.randomUUID();

    @AfterEach
    void close() {
        hub.close();
    }

    private static Event event(UUID user, long seq) {
        return new Event(user, seq, "notification", UUID.randomUUID(), "{}", Instant.EPOCH);
    }

    /** A connection that takes writes while {@code writable}, and records each write. */
    static final class FakeSink implements StreamHub.Sink {
        final List<String> writes = new CopyOnWriteArrayList<>();
        final List<long[]> gapReads = new CopyOnWriteArrayList<>();
        final List<Event> log = new CopyOnWriteArrayList<>();
        volatile boolean writable = true;
        volatile boolean ended;
        StreamHub.Subscription sub;

        static FakeSink attach(StreamHub.Subscription sub, long last) {
            FakeSink sink = new FakeSink();
            sink.sub = sub;
            sub.attach(sink, last);
            sink.sub.writePossible(); // what the servlet container does once the listener is set
            return sink;
        }

        @Override
        public boolean ready() {
            return writable;
        }

        @Override
        public void write(byte[] frames) {
            writes.add(new String(frames, StandardCharsets.UTF_8));
        }

        @Override
        public List<Event> missed(long after, long upTo) {
            gapReads.add(new long[] {after, upTo});
            return log.stream().filter(e -> e.seq() > after && e.seq() <= upTo).toList();
        }

        @Override
        public void end() {
            ended = true;
        }

        void becomeWritable() {
            writable = true;
            sub.writePossible();
        }

        List<Long> ids() {
            List<Long> ids = new ArrayList<>();
            for (String w : writes) {
                Matcher m = ID.matcher(w);
                while (m.find()) {
                    ids.add(Long.parseLong(m.group(1)));
                }
            }
            return ids;
        }
    }

    @Test
    void endingAUsersStreamsEndsEachOfThemAndNoOneElses() {
        FakeSink first = FakeSink.attach(hub.subscribe(ada), 0);
        FakeSink second = FakeSink.attach(hub.subscribe(ada), 0);
        FakeSink other = FakeSink.attach(hub.subscribe(grace), 0);

        assertThat(hub.endStreamsOf(ada)).isEqualTo(2);

        assertThat(first.sub.isOver()).isTrue();
        assertThat(second.sub.isOver()).isTrue();
        assertThat(first.ended).as("the response ends at once").isTrue();
        assertThat(second.ended).isTrue();
        assertThat(other.sub.isOver()).isFalse();
        assertThat(hub.openStreams()).isEqualTo(1);

        hub.publish(event(grace, 1));
        await().atMost(WAIT).until(() -> other.ids().equals(List.of(1L)));
    }

    @Test
    void aStreamOpenedAfterwardsIsServedAsUsual() {
        FakeSink ended = FakeSink.attach(hub.subscribe(ada), 0);
        hub.endStreamsOf(ada);

        FakeSink reconnected = FakeSink.attach(hub.subscribe(ada), 6);
        hub.publish(event(ada, 7));

        await().atMost(WAIT).until(() -> reconnected.ids().equals(List.of(7L)));
        assertThat(reconnected.sub.isOver()).isFalse();
        assertThat(ended.writes).isEmpty();
        assertThat(hub.openStreams()).isEqualTo(1);
    }

    @Test
    void aUserWithoutStreamsHasNoneToEnd() {
        hub.subscribe(grace);
        assertThat(hub.endStreamsOf(ada)).isZero();
        assertThat(hub.openStreams()).isEqualTo(1);
    }

    @Test
    void eventsPublishedBeforeTheStreamGoesLiveAreKeptAndWhatWasReplayedIsSkipped() {
        StreamHub.Subscription sub = hub.subscribe(ada);
        hub.publish(event(ada, 1));
        hub.publish(event(ada, 2));
        hub.publish(event(ada, 3));
        await().atMost(WAIT).until(() -> sub.pendingFrames() == 3);

        FakeSink sink = FakeSink.attach(sub, 2); // the replay wrote 1 and 2

        assertThat(sink.ids()).containsExactly(3L);
    }

    @Test
    void framesPendingWhileTheConnectionIsBusyGoOutTogetherInOneWrite() {
        FakeSink sink = FakeSink.attach(hub.subscribe(ada), 0);
        sink.writable = false;
        for (long seq = 1; seq <= 5; seq++) {
            hub.publish(event(ada, seq));
        }
        await().atMost(WAIT).until(() -> sink.sub.pendingFrames() == 5);
        assertThat(sink.writes).isEmpty();

        sink.becomeWritable();

        assertThat(sink.writes).as("one write, one flush").hasSize(1);
        assertThat(sink.ids()).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void aStreamThatFallsTooFarBehindIsCutOffWhileTheOthersGetEverything() {
        FakeSink stalled = FakeSink.attach(hub.subscribe(ada), 0);
        stalled.writable = false;
        FakeSink healthy = FakeSink.attach(hub.subscribe(ada), 0);
        List<Long> all = new ArrayList<>();
        for (long seq = 1; seq <= 50; seq++) {
            hub.publish(event(ada, seq));
            all.add(seq);
            // The healthy stream keeps up (its buffer of 8 never fills); the stalled one cannot.
            await().atMost(WAIT).until(() -> healthy.ids().equals(all));
        }
        await().atMost(WAIT).until(() -> stalled.ended);
        assertThat(stalled.sub.isOver()).isTrue();
        assertThat(stalled.writes).isEmpty();
        assertThat(hub.openStreams()).isEqualTo(1);
    }

    @Test
    void aGapInTheLiveSequenceIsFilledFromTheLogInOrder() {
        FakeSink sink = FakeSink.attach(hub.subscribe(ada), 1);
        // Events 2 and 3 committed (on another instance, say) but never reached this hub.
        sink.log.add(event(ada, 2));
        sink.log.add(event(ada, 3));

        hub.publish(event(ada, 4));
        hub.publish(event(ada, 5));

        await().atMost(WAIT).until(() -> sink.ids().equals(List.of(2L, 3L, 4L, 5L)));
        assertThat(sink.gapReads).hasSize(1);
        assertThat(sink.gapReads.getFirst()).containsExactly(1, 3);
    }

    @Test
    void aGapThatWasPrunedIsSkippedAndTheStreamGoesOn() {
        FakeSink sink = FakeSink.attach(hub.subscribe(ada), 1);

        hub.publish(event(ada, 4)); // 2 and 3 no longer exist in the log
        hub.publish(event(ada, 5));

        await().atMost(WAIT).until(() -> sink.ids().equals(List.of(4L, 5L)));
        assertThat(sink.sub.isOver()).isFalse();
    }

    @Test
    void thousandsOfStreamsEachGetEveryEventOnceAndInOrder() {
        int streams = 3_000;
        int events = 40;
        StreamHub roomy = new StreamHub(1024, 2);
        try {
            List<FakeSink> sinks = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                sinks.add(FakeSink.attach(roomy.subscribe(ada), 0));
            }
            List<Long> all = new ArrayList<>();
            for (long seq = 1; seq <= events; seq++) {
                roomy.publish(event(ada, seq));
                all.add(seq);
                if (seq % 10 == 0) {
                    roomy.heartbeat(); // heartbeats in between change nothing in the order of events
                }
            }
            await().atMost(WAIT)
                    .until(() -> sinks.stream().allMatch(s -> s.ids().size() >= events));
            for (FakeSink s : sinks) {
                assertThat(s.ids()).containsExactlyElementsOf(all);
            }
            assertThat(roomy.openStreams()).isEqualTo(streams);
        } finally {
            roomy.close();
        }
    }

    @Test
    void aLargeBacklogGoesOutInBoundedWritesInOrder() {
        StreamHub roomy = new StreamHub(1024, 2);
        try {
            FakeSink sink = FakeSink.attach(roomy.subscribe(ada), 0);
            sink.writable = false;
            String payload = "\"" + "x".repeat(1000) + "\"";
            List<Long> all = new ArrayList<>();
            for (long seq = 1; seq <= 100; seq++) {
                roomy.publish(new Event(ada, seq, "notification", UUID.randomUUID(), payload, Instant.EPOCH));
                all.add(seq);
            }
            await().atMost(WAIT).until(() -> sink.sub.pendingFrames() == 100);

            sink.becomeWritable();

            assertThat(sink.ids()).containsExactlyElementsOf(all);
            assertThat(sink.writes).hasSizeGreaterThan(1);
            assertThat(sink.writes)
                    .allSatisfy(w -> assertThat(w.length()).isLessThanOrEqualTo(StreamHub.MAX_WRITE_BYTES));
        } finally {
            roomy.close();
        }
    }
}
