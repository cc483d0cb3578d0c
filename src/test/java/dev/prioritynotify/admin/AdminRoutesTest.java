package dev.prioritynotify.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prioritynotify.push.TestPushService;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.Browser;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.support.TestServer.Response;
import dev.prioritynotify.user.User;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code /api/admin/users} through the real application on both databases. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class AdminRoutesTest {
    private static final String ROOT_PASSWORD = "root's long enough password";
    private static final String ALICE_PASSWORD = "alice's long enough password";

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestServer server;
    User root;
    User alice;
    Browser admin;

    @BeforeEach
    void start() {
        server = TestServer.start(dialect, tmp, TestPushService.serverSettings(Map.of()), InstantSource.system());
        var accounts = server.app().services().accounts();
        root = accounts.create("root", true, Optional.of(ROOT_PASSWORD.toCharArray()));
        alice = accounts.create("alice", false, Optional.of(ALICE_PASSWORD.toCharArray()));
        admin = Browser.signIn(server, "root", ROOT_PASSWORD);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int signInStatus(String username, String password) {
        return Browser.login(server, Browser.originOf(server), username, password)
                .status();
    }

    @Test
    void aNonAdmin_andAnAdminsToken_areRefusedWith403() {
        Browser aliceAtHome = Browser.signIn(server, "alice", ALICE_PASSWORD);
        Response nonAdmin = aliceAtHome.get("/api/admin/users");
        assertThat(nonAdmin.status()).isEqualTo(403);
        assertThat(nonAdmin.detail()).isEqualTo("Authorization: only administrators may do this");
        assertThat(aliceAtHome
                        .post("/api/admin/users", "{\"username\":\"mallory\"}")
                        .status())
                .isEqualTo(403);
        assertThat(aliceAtHome
                        .patch("/api/admin/users/" + alice.id(), "{\"is_admin\":true}")
                        .status())
                .isEqualTo(403);

        Response token = server.get("/api/admin/users", server.token(root));
        assertThat(token.status()).isEqualTo(403);
        assertThat(token.detail()).isEqualTo("Authorization: this needs a signed-in session, not an API token");
        assertThat(server.app()
                        .services()
                        .users()
                        .findById(alice.id())
                        .orElseThrow()
                        .admin())
                .isFalse();
    }

    @Test
    void theList_showsEveryUserWithWhatAnAdministratorNeeds() {
        server.app()
                .services()
                .users()
                .insert(
                        new User(
                                java.util.UUID.randomUUID(),
                                "oidc:abc",
                                "e@example.com",
                                "Eve External",
                                false,
                                java.time.Instant.parse("2026-01-01T00:00:00Z"),
                                null),
                        null);
        Response r = admin.get("/api/admin/users");
        assertThat(r.status()).isEqualTo(200);
        JsonNode items = r.json().get("items");
        assertThat(items).extracting(u -> u.get("name").asText()).containsExactly("Eve External", "root", "alice");
        JsonNode rootView = items.get(1);
        assertThat(rootView.properties())
                .extracting(Map.Entry::getKey)
                .containsExactly("id", "username", "name", "email", "is_admin", "kind", "created_at", "last_login_at");
        assertThat(rootView.get("id").asText()).isEqualTo(root.id().toString());
        assertThat(rootView.get("username").asText()).isEqualTo("root");
        assertThat(rootView.get("is_admin").asBoolean()).isTrue();
        assertThat(rootView.get("kind").asText()).isEqualTo("local");
        assertThat(rootView.get("last_login_at").isNull()).as("set by sign-in").isFalse();
        JsonNode external = items.get(0);
        assertThat(external.get("kind").asText()).isEqualTo("external");
        assertThat(external.get("username").isNull()).isTrue();
        assertThat(external.get("email").asText()).isEqualTo("e@example.com");
        assertThat(r.body()).doesNotContain("argon2");
    }

    @Test
    void creatingWithoutAPassword_answersAOneTimePasswordOnce_thatSignsIn() {
        Response r = admin.post("/api/admin/users", "{\"username\":\"carol\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.raw().headers().firstValue("Cache-Control")).hasValue("no-store");
        String password = r.json().get("password").asText();
        assertThat(password).hasSize(20);
        assertThat(r.json().get("user").get("username").asText()).isEqualTo("carol");
        assertThat(r.json().get("user").get("is_admin").asBoolean()).isFalse();

        assertThat(signInStatus("carol", password)).isEqualTo(303);
        assertThat(admin.get("/api/admin/users").body()).doesNotContain(password);
    }

    @Test
    void creatingWithAPassword_answersNoPassword_andAnAdminMayBeMade() {
        Response r = admin.post(
                "/api/admin/users", "{\"username\":\"dave\",\"is_admin\":true,\"password\":\"dave's password\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().has("password")).isFalse();
        assertThat(r.json().get("user").get("is_admin").asBoolean()).isTrue();
        Browser dave = Browser.signIn(server, "dave", "dave's password");
        assertThat(dave.get("/api/admin/users").status()).isEqualTo(200);
    }

    @Test
    void creating_refusesATakenOrMalformedNameAndAShortPassword() {
        Response taken = admin.post("/api/admin/users", "{\"username\":\"alice\"}");
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.detail()).isEqualTo("username: 'alice' is taken");
        Response malformed = admin.post("/api/admin/users", "{\"username\":\"no spaces\"}");
        assertThat(malformed.status()).isEqualTo(422);
        assertThat(malformed.detail()).startsWith("username: must be 1-64 letters");
        Response missing = admin.post("/api/admin/users", "{}");
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.detail()).isEqualTo("username: is required");
        Response shortPassword = admin.post("/api/admin/users", "{\"username\":\"x\",\"password\":\"short\"}");
        assertThat(shortPassword.status()).isEqualTo(422);
        assertThat(shortPassword.detail()).isEqualTo("password: must be at least 8 characters");
        Response notBoolean = admin.post("/api/admin/users", "{\"username\":\"x\",\"is_admin\":\"yes\"}");
        assertThat(notBoolean.status()).isEqualTo(422);
        assertThat(notBoolean.detail()).isEqualTo("is_admin: must be true or false");
        assertThat(server.app().services().accounts().find("x")).isEmpty();
    }

    @Test
    void aReset_answersANewPassword_theOldOneStopsWorking_andTheUsersSessionsEnd() {
        Browser aliceAtHome = Browser.signIn(server, "alice", ALICE_PASSWORD);
        String aliceToken = server.token(alice);

        Response r = admin.post("/api/admin/users/" + alice.id() + "/password", "");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("Cache-Control")).hasValue("no-store");
        String password = r.json().get("password").asText();

        assertThat(aliceAtHome.get("/api/me").status()).as("her session").isEqualTo(401);
        assertThat(server.get("/api/me", aliceToken).status())
                .as("her tokens stay")
                .isEqualTo(200);
        assertThat(signInStatus("alice", ALICE_PASSWORD)).isEqualTo(401);
        assertThat(signInStatus("alice", password)).isEqualTo(303);
        assertThat(admin.get("/api/me").status()).as("the admin's own session").isEqualTo(200);

        Response set = admin.post("/api/admin/users/" + alice.id() + "/password", "{\"password\":\"chosen by root\"}");
        assertThat(set.status()).as(set.body()).isEqualTo(204);
        assertThat(signInStatus("alice", "chosen by root")).isEqualTo(303);
    }

    @Test
    void resettingOnesOwnPassword_keepsThisSession() {
        Browser rootElsewhere = Browser.signIn(server, "root", ROOT_PASSWORD);
        Response r = admin.post("/api/admin/users/" + root.id() + "/password", "{\"password\":\"root's new one\"}");
        assertThat(r.status()).isEqualTo(204);
        assertThat(admin.get("/api/me").status()).isEqualTo(200);
        assertThat(rootElsewhere.get("/api/me").status()).isEqualTo(401);
    }

    @Test
    void anExternalUser_hasNoPasswordToReset() {
        User external =
                new User(java.util.UUID.randomUUID(), "oidc:xyz", null, "Ext", false, java.time.Instant.now(), null);
        server.app().services().users().insert(external, null);
        Response r = admin.post("/api/admin/users/" + external.id() + "/password", "");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.detail())
                .isEqualTo("id: this user signs in through an identity provider and has no password here");
    }

    @Test
    void makingAndUnmakingAdmins_neverLeavesTheServerWithout() {
        Response last = admin.patch("/api/admin/users/" + root.id(), "{\"is_admin\":false}");
        assertThat(last.status()).isEqualTo(409);
        assertThat(last.detail())
                .isEqualTo("is_admin: this is the last administrator; make another user an administrator first");

        Response made = admin.patch("/api/admin/users/" + alice.id(), "{\"is_admin\":true}");
        assertThat(made.status()).as(made.body()).isEqualTo(200);
        assertThat(made.json().get("is_admin").asBoolean()).isTrue();
        Browser aliceAtHome = Browser.signIn(server, "alice", ALICE_PASSWORD);
        assertThat(aliceAtHome.get("/api/admin/users").status()).isEqualTo(200);

        Response unmade = aliceAtHome.patch("/api/admin/users/" + root.id(), "{\"is_admin\":false}");
        assertThat(unmade.status()).as(unmade.body()).isEqualTo(200);
        assertThat(unmade.json().get("is_admin").asBoolean()).isFalse();
        assertThat(admin.get("/api/admin/users").status())
                .as("root is no admin now")
                .isEqualTo(403);
        assertThat(aliceAtHome
                        .patch("/api/admin/users/" + alice.id(), "{\"is_admin\":false}")
                        .status())
                .as("alice is the last one now")
                .isEqualTo(409);

        assertThat(aliceAtHome
                        .patch("/api/admin/users/" + java.util.UUID.randomUUID(), "{\"is_admin\":true}")
                        .status())
                .isEqualTo(404);
        Response missing = aliceAtHome.patch("/api/admin/users/" + root.id(), "{}");
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.detail()).isEqualTo("is_admin: is required");
    }

    @Test
    void deletingAUser_removesTheirNotificationsTokensDevicesAndDeliveries_andTheirSessionStopsWorking()
            throws Exception {
        Browser aliceAtHome = Browser.signIn(server, "alice", ALICE_PASSWORD);
        String aliceToken = server.token(alice);
        try (TestPushService pushService = TestPushService.start(
                server.get("/api/push/vapid-key", null).json().get("publicKey").asText())) {
            TestPushService.Device device = pushService.device();
            assertThat(server.post("/api/push/subscribe", aliceToken, device.subscriptionJson())
                            .status())
                    .isEqualTo(201);
            server.publish(aliceToken, "alice's");
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> !device.received().isEmpty());
        }
        server.publish(server.token(root), "root's");
        List<String> tables =
                List.of("notifications", "client_tokens", "push_subscriptions", "deliveries", "sessions", "events");
        for (String table : tables) {
            assertThat(rowsOf(table, alice)).as(table + " before").isPositive();
        }

        Response deleted = admin.delete("/api/admin/users/" + alice.id());
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);

        assertThat(aliceAtHome.get("/api/me").status()).isEqualTo(401);
        assertThat(server.get("/api/me", aliceToken).status()).isEqualTo(401);
        for (String table : tables) {
            assertThat(rowsOf(table, alice)).as(table + " after").isZero();
        }
        assertThat(rowsOf("notifications", root)).as("others' stay").isEqualTo(1);
        assertThat(admin.delete("/api/admin/users/" + alice.id()).status())
                .as("again")
                .isEqualTo(404);
    }

    @Test
    void deletingOneself_isRefused() {
        Response r = admin.delete("/api/admin/users/" + root.id());
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.detail()).isEqualTo("id: administrators cannot delete themselves; another administrator can");
        assertThat(admin.get("/api/me").status()).isEqualTo(200);
    }

    private long rowsOf(String table, User user) {
        return server.app()
                .services()
                .db()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE user_id = :id")
                        .bind("id", user.id())
                        .mapTo(Long.class)
                        .one());
    }
}
