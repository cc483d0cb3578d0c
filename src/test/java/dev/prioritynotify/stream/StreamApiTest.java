package dev.prioritynotify.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.SseClient;
import dev.prioritynotify.support.SseClient.Frame;
import dev.prioritynotify.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class StreamApiTest {
    private static final long WAIT = 10_000;

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestServer server;
    String token;

    @BeforeEach
    void start() {
        server = TestServer.start(dialect, tmp, Map.of("STREAM_CLIENT_BUFFER", "64"), InstantSource.system());
        token = server.newUserToken("alice");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private SseClient open(String lastEventId) {
        SseClient sse = SseClient.connect(server.uri("/api/notifications/stream"), token, lastEventId);
        assertThat(sse.status()).isEqualTo(200);
        return sse;
    }

    private static JsonNode data(Frame f) {
        try {
            return TestServer.mapper().readTree(f.data());
        } catch (Exception e) {
            throw new AssertionError(f.data(), e);
        }
    }

    @Test
    void streamSendsTheRightHeadersAndARetryHint() throws Exception {
        try (SseClient sse = open(null)) {
            assertThat(sse.header("Content-Type")).startsWith("text/event-stream");
            assertThat(sse.header("Cache-Control")).isEqualTo("no-cache");
            assertThat(sse.header("X-Accel-Buffering")).isEqualTo("no");
            server.publish(token, "wake");
            assertThat(sse.next(WAIT)).isNotNull();
            assertThat(sse.retry()).isEqualTo("3000");
        }
    }

    @Test
    void newNotificationArrivesAsANotificationEventWithItsSequenceId() throws Exception {
        try (SseClient sse = open(null)) {
            JsonNode created = server.publish(token, "hello");
            Frame f = sse.next(WAIT);
            assertThat(f.event()).isEqualTo("notification");
            assertThat(f.id()).isEqualTo("1");
            assertThat(data(f)).isEqualTo(created);
        }
    }

    @Test
    void statusChangesAndDeletionsArriveInOrder() throws Exception {
        try (SseClient sse = open(null)) {
            String id = server.publish(token, "x").get("id").asText();
            server.patch("/api/notifications/" + id, token, "{\"status\":\"read\"}");
            server.delete("/api/notifications/" + id, token);

            assertThat(sse.next(WAIT).event()).isEqualTo("notification");
            Frame change = sse.next(WAIT);
            assertThat(change.event()).isEqualTo("status_change");
            assertThat(change.id()).isEqualTo("2");
            assertThat(data(change).get("id").asText()).isEqualTo(id);
            assertThat(data(change).get("status").asText()).isEqualTo("read");
            assertThat(data(change).get("previous_status").asText()).isEqualTo("unread");
            assertThat(data(change).get("read_at").isNull()).isFalse();
            Frame deleted = sse.next(WAIT);
            assertThat(deleted.event()).isEqualTo("deleted");
            assertThat(deleted.id()).isEqualTo("3");
            assertThat(data(deleted).get("id").asText()).isEqualTo(id);
        }
    }

    @Test
    void settingTheSameStatusAgainAnnouncesNothing() throws Exception {
        try (SseClient sse = open(null)) {
            String id = server.publish(token, "x").get("id").asText();
            server.patch("/api/notifications/" + id, token, "{\"status\":\"unread\"}");
            server.publish(token, "y");
            assertThat(sse.next(WAIT).id()).isEqualTo("1");
            Frame second = sse.next(WAIT);
            assertThat(second.id()).isEqualTo("2");
            assertThat(second.event()).isEqualTo("notification");
        }
    }

    @Test
    void withoutLastEventIdOnlyNewEventsArrive() throws Exception {
        server.publish(token, "before");
        try (SseClient sse = open(null)) {
            server.publish(token, "after");
            Frame f = sse.next(WAIT);
            assertThat(data(f).get("title").asText()).isEqualTo("after");
            assertThat(f.id()).isEqualTo("2");
        }
    }

    @Test
    void lastEventIdReplaysEveryMissedEventInOrderThenGoesLive() throws Exception {
        for (int i = 1; i <= 5; i++) {
            server.publish(token, "n" + i);
        }
        try (SseClient sse = open("2")) {
            assertThat(sse.next(WAIT).id()).isEqualTo("3");
            assertThat(sse.next(WAIT).id()).isEqualTo("4");
            assertThat(sse.next(WAIT).id()).isEqualTo("5");
            server.publish(token, "live");
            Frame live = sse.next(WAIT);
            assertThat(live.id()).isEqualTo("6");
            assertThat(data(live).get("title").asText()).isEqualTo("live");
        }
    }

    @Test
    void lastEventIdQueryParameterWorksLikeTheHeader() throws Exception {
        server.publish(token, "a");
        server.publish(token, "b");
        try (SseClient sse = SseClient.connect(server.uri("/api/notifications/stream?last_event_id=1"), token, null)) {
            Frame f = sse.next(WAIT);
            assertThat(f.id()).isEqualTo("2");
            assertThat(data(f).get("title").asText()).isEqualTo("b");
        }
    }

    @Test
    void lastEventIdBeyondTheLogStillReceivesNewEvents() throws Exception {
        server.publish(token, "a");
        try (SseClient sse = open("999")) {
            Frame reset = sse.next(WAIT);
            assertThat(reset.event())
                    .as("ids this log never handed out: the client's state is from elsewhere")
                    .isEqualTo("reset");
            assertThat(data(reset))
                    .isEqualTo(TestServer.mapper()
                            .readTree("{\"reason\":\"unknown\",\"last_event_id\":999,\"current_event_id\":1}"));
            server.publish(token, "b");
            Frame f = sse.next(WAIT);
            assertThat(f.id()).isEqualTo("2");
        }
    }

    @Test
    void aPositionOlderThanTheLogGetsAResetInsteadOfAPartialReplay() throws Exception {
        for (int i = 1; i <= 5; i++) {
            server.publish(token, "n" + i);
        }
        // What EVENT_RETENTION pruning does to a client that was away too long: events 1..3 are gone.
        server.app().services().db().inTransaction(h -> h.execute("DELETE FROM events WHERE seq <= 3"));

        try (SseClient sse = open("1")) {
            Frame reset = sse.next(WAIT);
            assertThat(reset.event()).isEqualTo("reset");
            assertThat(reset.id())
                    .as("the stream goes on from here, and so does a reconnect")
                    .isEqualTo("5");
            assertThat(data(reset))
                    .isEqualTo(TestServer.mapper()
                            .readTree("{\"reason\":\"expired\",\"last_event_id\":1,\"current_event_id\":5}"));
            server.publish(token, "live");
            Frame live = sse.next(WAIT);
            assertThat(live.id())
                    .as("no partial replay of 4 and 5 after the reset")
                    .isEqualTo("6");
        }
        try (SseClient sse = open("3")) {
            assertThat(sse.next(WAIT).id())
                    .as("everything after 3 is still held: a normal replay")
                    .isEqualTo("4");
        }
    }

    @Test
    void anotherUsersEventsNeverArrive() throws Exception {
        String bob = server.newUserToken("bob");
        try (SseClient sse = open(null)) {
            server.publish(bob, "bob's");
            server.publish(token, "alice's");
            Frame f = sse.next(WAIT);
            assertThat(data(f).get("title").asText()).isEqualTo("alice's");
            assertThat(f.id()).isEqualTo("1");
        }
    }

    @Test
    void idleStreamReceivesHeartbeatComments() throws Exception {
        try (SseClient sse = open(null)) {
            assertThat(sse.next(2_500)).isNull();
            assertThat(sse.comments()).contains("keep-alive");
        }
    }

    @Test
    void clientReconnectingMidBurstReceivesEveryEventExactlyOnce() throws Exception {
        int total = 400;
        Set<String> created = ConcurrentHashMap.newKeySet();
        List<Frame> received = new ArrayList<>();
        try (ExecutorService publishers = Executors.newFixedThreadPool(4)) {
            SseClient sse = open(null);
            List<Future<?>> jobs = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                jobs.add(publishers.submit(() -> {
                    for (int i = 0; i < total / 4; i++) {
                        created.add(server.publish(token, "burst").get("id").asText());
                    }
                }));
            }
            // Drop the connection after every 60 events, and resume from the last id seen.
            while (received.size() < total) {
                Frame f = sse.next(WAIT);
                assertThat(f).as("event %d of %d", received.size() + 1, total).isNotNull();
                received.add(f);
                if (received.size() % 60 == 0) {
                    sse.close();
                    sse = open(f.id());
                }
            }
            for (Future<?> job : jobs) {
                job.get();
            }
            assertThat(sse.next(1_000)).as("nothing after the last event").isNull();
            sse.close();
        }
        List<Long> ids = received.stream().map(f -> Long.parseLong(f.id())).toList();
        List<Long> expected = new ArrayList<>();
        for (long i = 1; i <= total; i++) {
            expected.add(i);
        }
        assertThat(ids).containsExactlyElementsOf(expected);
        Set<String> notificationIds = new HashSet<>();
        received.forEach(f -> notificationIds.add(data(f).get("id").asText()));
        assertThat(notificationIds).isEqualTo(created);
    }

    @Test
    void aClientThatStopsReadingIsDroppedWithoutSlowingPublishersOrOthers() throws Exception {
        SseClient stalled = open(null); // its reader thread is parked below by never being drained
        stalled.pauseReading();
        try (SseClient healthy = open(null)) {
            String big = "x".repeat(60_000);
            int count = 200; // ~12 MB: far beyond socket buffers plus the 64-event queue
            for (int i = 0; i < count; i++) {
                assertThat(server.post(
                                        "/api/notifications/",
                                        token,
                                        "{\"title\":\"t" + i + "\",\"message\":\"" + big + "\"}")
                                .status())
                        .isEqualTo(201);
            }
            for (int i = 1; i <= count; i++) {
                Frame f = healthy.next(WAIT);
                assertThat(f).as("healthy client event %d", i).isNotNull();
                assertThat(f.id()).isEqualTo(Long.toString(i));
            }
            assertThat(server.app().hub().openStreams())
                    .as("only the healthy stream is still subscribed")
                    .isEqualTo(1);
        } finally {
            stalled.close();
        }
    }

    @Test
    void manyStreamsOfOneUserEachGetEveryEventOnceAndInOrder() throws Exception {
        int streams = 40;
        int total = 120;
        List<SseClient> clients = new ArrayList<>();
        try (ExecutorService publishers = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < streams; i++) {
                clients.add(open(null));
            }
            List<Future<?>> jobs = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                jobs.add(publishers.submit(() -> {
                    for (int i = 0; i < total / 4; i++) {
                        server.publish(token, "fan-out");
                    }
                }));
            }
            for (Future<?> job : jobs) {
                job.get();
            }
            List<String> expected = new ArrayList<>();
            for (long i = 1; i <= total; i++) {
                expected.add(Long.toString(i));
            }
            for (SseClient sse : clients) {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < total; i++) {
                    Frame f = sse.next(WAIT);
                    assertThat(f).as("event %d of %d", i + 1, total).isNotNull();
                    ids.add(f.id());
                }
                assertThat(ids).containsExactlyElementsOf(expected);
                assertThat(sse.next(200)).as("nothing twice").isNull();
            }
            assertThat(server.app().hub().openStreams()).isEqualTo(streams);
        } finally {
            clients.forEach(SseClient::close);
        }
    }

    @Test
    void aStreamTheClientClosesIsUnsubscribedByItsNextWrite() {
        SseClient sse = open(null);
        assertThat(server.app().hub().openStreams()).isEqualTo(1);
        sse.close();
        // The server learns of the closed connection when a write fails: publish until one does.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            server.publish(token, "anyone there?");
            return server.app().hub().openStreams() == 0;
        });
    }
}
