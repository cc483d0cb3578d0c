package dev.prioritynotify.notification;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.MutableClock;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.support.TestServer.Response;
import dev.prioritynotify.user.User;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class NotificationApiTest {
    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestServer server;
    String token;

    @BeforeEach
    void start() {
        server = TestServer.start(dialect, tmp);
        token = server.newUserToken("alice");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void createAnswers201WithTheStoredNotification() {
        Response r = server.post("/api/notifications/", token, """
                {"title":"Disk full","message":"web-01 at 95%","priority":"critical","source":"monitoring",
                 "url":"https://grafana.example/d/1","tag":"disk","metadata":{"host":"web-01","pct":95}}""");

        assertThat(r.status()).isEqualTo(201);
        JsonNode n = r.json();
        String id = n.get("id").asText();
        assertThat(UUID.fromString(id).version()).isEqualTo(7);
        Instant created = Instant.parse(n.get("created_at").asText());
        assertThat(created)
                .isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
        assertThat(r.body())
                .isEqualTo("{\"id\":\"" + id + "\",\"title\":\"Disk full\",\"message\":\"web-01 at 95%\","
                        + "\"priority\":\"critical\",\"status\":\"unread\",\"source\":\"monitoring\","
                        + "\"url\":\"https://grafana.example/d/1\",\"tag\":\"disk\",\"metadata\":{\"host\":\"web-01\",\"pct\":95},"
                        + "\"created_at\":\"" + n.get("created_at").asText() + "\",\"read_at\":null}");
        assertThat(server.get("/api/notifications/" + id, token).body()).isEqualTo(r.body());
    }

    @Test
    void aTokenRevokedElsewhereIsRefusedOnTheNextCreate() {
        User bob = server.user("bob");
        String token = server.token(bob);
        assertThat(server.post("/api/notifications/", token, "{\"title\":\"before\"}")
                        .status())
                .isEqualTo(201);
        // Revoked as another instance would: straight in the database, this instance told nothing.
        UUID tokenId =
                server.app().services().tokens().list(bob.id()).getFirst().id();
        server.app()
                .services()
                .db()
                .inTransaction(h -> h.createUpdate("DELETE FROM client_tokens WHERE id = :id")
                        .bind("id", tokenId)
                        .execute());

        Response refused = server.post("/api/notifications/", token, "{\"title\":\"after\"}");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.detail()).isEqualTo("Authorization: unknown or revoked token");
        assertThat(refused.raw().headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertThat(server.post("/api/notifications/", token, "{\"title\":\"again\"}")
                        .status())
                .isEqualTo(401);
        assertThat(server.app()
                        .services()
                        .notifications()
                        .list(bob.id(), NotificationFilter.all(10))
                        .items())
                .extracting(Notification::title)
                .containsExactly("before");
    }

    @Test
    void priorityDefaultsToMediumAndOptionalFieldsToNull() {
        JsonNode n = server.publish(token, "hello");
        assertThat(n.get("priority").asText()).isEqualTo("medium");
        assertThat(n.get("status").asText()).isEqualTo("unread");
        assertThat(n.get("message").isNull()).isTrue();
        assertThat(n.get("metadata").isNull()).isTrue();
    }

    @Test
    void listIsNewestFirstWithTotalsAndPagination() {
        for (int i = 0; i < 5; i++) {
            server.publish(token, "n" + i);
        }
        JsonNode page =
                server.get("/api/notifications/?limit=2&offset=1", token).json();
        assertThat(page.get("total").asLong()).isEqualTo(5);
        assertThat(page.get("limit").asInt()).isEqualTo(2);
        assertThat(page.get("offset").asInt()).isEqualTo(1);
        assertThat(page.get("items")).extracting(i -> i.get("title").asText()).containsExactly("n3", "n2");

        JsonNode all = server.get("/api/notifications/", token).json();
        assertThat(all.get("limit").asInt()).isEqualTo(50);
        assertThat(all.get("items"))
                .extracting(i -> i.get("title").asText())
                .containsExactly("n4", "n3", "n2", "n1", "n0");
    }

    @Test
    void listFiltersByStatusPriorityAndSource() {
        server.post("/api/notifications/", token, "{\"title\":\"a\",\"priority\":\"high\",\"source\":\"ci\"}");
        server.post("/api/notifications/", token, "{\"title\":\"b\",\"priority\":\"low\",\"source\":\"ci\"}");
        String c = server.post(
                        "/api/notifications/", token, "{\"title\":\"c\",\"priority\":\"high\",\"source\":\"backup\"}")
                .json()
                .get("id")
                .asText();
        server.patch("/api/notifications/" + c, token, "{\"status\":\"read\"}");

        assertThat(titles("/api/notifications/?priority=high")).containsExactly("c", "a");
        assertThat(titles("/api/notifications/?source=ci")).containsExactly("b", "a");
        assertThat(titles("/api/notifications/?status=read")).containsExactly("c");
        assertThat(titles("/api/notifications/?status=unread&priority=high&source=ci"))
                .containsExactly("a");
        assertThat(server.get("/api/notifications/?status=unread", token)
                        .json()
                        .get("total")
                        .asLong())
                .isEqualTo(2);
    }

    @Test
    void minPriorityListsThatPriorityAndEveryMoreUrgentOne() {
        for (String p : new String[] {"low", "medium", "high", "critical"}) {
            server.post("/api/notifications/", token, "{\"title\":\"" + p + "\",\"priority\":\"" + p + "\"}");
        }

        assertThat(titles("/api/notifications/?min_priority=high")).containsExactly("critical", "high");
        assertThat(titles("/api/notifications/?min_priority=low")).containsExactly("critical", "high", "medium", "low");
        assertThat(titles("/api/notifications/?min_priority=critical")).containsExactly("critical");
        assertThat(titles("/api/notifications/?priority=high")).containsExactly("high");
        assertThat(server.get("/api/notifications/?min_priority=medium", token)
                        .json()
                        .get("total")
                        .asLong())
                .isEqualTo(3);
    }

    @Test
    void sinceReturnsOnlyNotificationsCreatedAfterTheTimestamp() throws Exception {
        // Creation times come from the server's clock: this test sets them, a millisecond apart
        // on either side of the timestamp, rather than sleeping between them.
        server.close();
        Path clocked = Files.createDirectories(tmp.resolve("clocked"));
        MutableClock clock = MutableClock.atNow();
        server = TestServer.start(dialect, clocked, Map.of(), clock);
        token = server.newUserToken("alice");
        server.publish(token, "old");
        clock.advance(Duration.ofMillis(1));
        Instant between = clock.instant();
        clock.advance(Duration.ofMillis(1));
        server.publish(token, "new");

        assertThat(titles("/api/notifications/?since=" + between)).containsExactly("new");
        assertThat(titles("/api/notifications/?since=2000-01-01T00:00:00Z")).containsExactly("new", "old");
        assertThat(titles("/api/notifications/?since=2000-01-01T01:00:00%2B01:00"))
                .containsExactly("new", "old");
        assertThat(titles("/api/notifications/?since=2999-01-01")).isEmpty();
    }

    @Test
    void markingReadSetsReadAtAndUnreadClearsIt() {
        String id = server.publish(token, "x").get("id").asText();

        JsonNode read = server.patch("/api/notifications/" + id, token, "{\"status\":\"read\"}")
                .json();
        assertThat(read.get("status").asText()).isEqualTo("read");
        assertThat(Instant.parse(read.get("read_at").asText()))
                .isBefore(Instant.now().plusSeconds(1));

        JsonNode archived = server.patch("/api/notifications/" + id, token, "{\"status\":\"archived\"}")
                .json();
        assertThat(archived.get("status").asText()).isEqualTo("archived");
        assertThat(archived.get("read_at").asText())
                .isEqualTo(read.get("read_at").asText());

        JsonNode unread = server.patch("/api/notifications/" + id, token, "{\"status\":\"unread\"}")
                .json();
        assertThat(unread.get("status").asText()).isEqualTo("unread");
        assertThat(unread.get("read_at").isNull()).isTrue();
        assertThat(server.get("/api/notifications/" + id, token).json()).isEqualTo(unread);
    }

    @Test
    void deleteRemovesTheNotification() {
        String id = server.publish(token, "x").get("id").asText();
        assertThat(server.delete("/api/notifications/" + id, token).status()).isEqualTo(204);
        assertThat(server.get("/api/notifications/" + id, token).status()).isEqualTo(404);
        assertThat(server.delete("/api/notifications/" + id, token).status()).isEqualTo(404);
    }

    @Test
    void twoUsersCannotSeeOrTouchEachOthersNotifications() {
        String bob = server.newUserToken("bob");
        String aliceId = server.publish(token, "alice's").get("id").asText();
        server.publish(bob, "bob's");

        assertThat(titles("/api/notifications/")).containsExactly("alice's");
        assertThat(server.get("/api/notifications/", bob).json().get("items"))
                .extracting(i -> i.get("title").asText())
                .containsExactly("bob's");
        assertThat(server.get("/api/notifications/" + aliceId, bob).status()).isEqualTo(404);
        assertThat(server.patch("/api/notifications/" + aliceId, bob, "{\"status\":\"read\"}")
                        .status())
                .isEqualTo(404);
        assertThat(server.delete("/api/notifications/" + aliceId, bob).status()).isEqualTo(404);
        assertThat(server.get("/api/notifications/" + aliceId, token)
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("unread");
    }

    @Test
    void aBroadcastToMoreUsersThanOneChunkGivesEachUserExactlyOneNotificationAndEvent() {
        for (int i = 0; i < 450; i++) {
            server.user("user" + i);
        }
        var admin = server.app().services().accounts().create("root", true, java.util.Optional.empty());
        Response r = server.post("/api/notifications/broadcast", server.token(admin), "{\"title\":\"maintenance\"}");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("created").asInt()).isEqualTo(452);
        assertThat(count("SELECT COUNT(*) FROM notifications")).isEqualTo(452);
        assertThat(
                        count(
                                "SELECT COUNT(*) FROM users u WHERE (SELECT COUNT(*) FROM notifications n WHERE n.user_id = u.id) <> 1"))
                .isZero();
        assertThat(count("SELECT COUNT(*) FROM users WHERE event_seq <> 1")).isZero();
        assertThat(titles("/api/notifications/")).containsExactly("maintenance");
    }

    @Test
    void meDescribesTheCallerAndTheTokenScopes() {
        JsonNode me = server.get("/api/me", token).json();
        assertThat(me.get("name").asText()).isEqualTo("alice");
        assertThat(me.get("sub").asText()).isEqualTo("local:alice");
        assertThat(me.get("is_admin").asBoolean()).isFalse();
        assertThat(me.get("scopes")).extracting(JsonNode::asText).containsExactly("publish", "read");
    }

    @Test
    void healthAndReadinessAnswerWithoutAuthentication() {
        assertThat(server.get("/healthz", null).json().get("status").asText()).isEqualTo("ok");
        Response ready = server.get("/readyz", null);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("database").asText()).isEqualTo("ok");
    }

    private int count(String sql) {
        return server.app()
                .services()
                .db()
                .jdbi()
                .withHandle(h -> h.createQuery(sql).mapTo(Integer.class).one());
    }

    private java.util.List<String> titles(String path) {
        Response r = server.get(path, token);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        java.util.List<String> out = new java.util.ArrayList<>();
        r.json().get("items").forEach(i -> out.add(i.get("title").asText()));
        return out;
    }
}
