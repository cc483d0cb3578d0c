package dev.prioritynotify.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.LogCapture;
import dev.prioritynotify.support.MutableClock;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.support.TestServer.Response;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sign-in by a trusted reverse proxy, through the real application on both databases. The tests'
 * requests come from 127.0.0.1: a server that lists {@code 127.0.0.1/32} is behind the proxy they
 * play, one that lists another block sees them as a stranger sending the header.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class TrustedProxyTest {
    private static final Map<String, String> BEHIND_THE_PROXY = Map.of(
            "AUTH_TRUSTED_HEADER", "Remote-User",
            "AUTH_TRUSTED_EMAIL_HEADER", "Remote-Email",
            "AUTH_TRUSTED_GROUPS_HEADER", "Remote-Groups",
            "AUTH_TRUSTED_ADMIN_GROUP", "admins",
            "AUTH_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1/32");

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestServer server;
    MutableClock clock = MutableClock.atNow();

    @BeforeEach
    void start() {
        server = TestServer.start(dialect, tmp, BEHIND_THE_PROXY, clock);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static HttpRequest.Builder as(HttpRequest.Builder request, String user, String... headers) {
        request.header("Remote-User", user);
        return headers.length == 0 ? request : request.headers(headers);
    }

    private Response me(TestServer on, String user, String... headers) {
        return on.send(as(on.request("/api/me", null), user, headers).GET());
    }

    private Response publish(String user, String... headers) {
        return server.send(as(server.request("/api/notifications/", null), user, headers)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"from the proxy\"}")));
    }

    private String ourOrigin() {
        return "http://127.0.0.1:" + server.app().port();
    }

    @Test
    void theHeaderFromAListedProxy_signsThatUserIn_creatingThemOnce() {
        Response me = me(server, "carol");
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        JsonNode json = me.json();
        assertThat(json.get("sub").asText()).isEqualTo("proxy:carol");
        assertThat(json.get("name").asText()).isEqualTo("carol");
        assertThat(json.get("is_admin").asBoolean()).isFalse();
        assertThat(json.has("csrf_token")).as("no session, so no CSRF token").isFalse();
        assertThat(json.get("scopes").toString()).isEqualTo("[\"publish\",\"read\"]");

        assertThat(me(server, "carol").json().get("id")).isEqualTo(json.get("id"));
        assertThat(server.app().services().users().count()).isEqualTo(1);
    }

    @Test
    void theDashboard_isTheProxysUsers_withoutASignOutOfOurOwn() {
        Response home = server.send(as(server.request("/", null), "carol").GET());
        assertThat(home.status()).as(home.body()).isEqualTo(200);
        assertThat(home.body())
                .contains(">carol</span>")
                .contains("Signed in by your reverse proxy; sign out there")
                .doesNotContain("/auth/logout");

        Response nobody = server.get("/", null);
        assertThat(nobody.status()).isEqualTo(302);
        assertThat(nobody.raw().headers().firstValue("Location")).hasValue("/login?next=%2F");
    }

    @Test
    void aRepeatedRequest_reusesTheSignInForAMinute_butAChangeOrADeletionIsTakenAtOnce() {
        JsonNode first = me(server, "erin").json();
        clock.advance(Duration.ofSeconds(30));
        assertThat(me(server, "erin").json().get("last_login_at"))
                .as("the same headers within a minute: no new sign-in written")
                .isEqualTo(first.get("last_login_at"));
        JsonNode changed =
                me(server, "erin", "Remote-Email", "erin@example.org").json();
        assertThat(changed.get("email").asText()).isEqualTo("erin@example.org");

        clock.advance(TrustedProxy.SIGN_IN_REUSE);
        JsonNode later = me(server, "erin", "Remote-Email", "erin@example.org").json();
        assertThat(later.get("last_login_at")).isNotEqualTo(first.get("last_login_at"));

        UUID erin = UUID.fromString(later.get("id").asText());
        assertThat(server.app().services().users().delete(erin)).isTrue();
        JsonNode again = me(server, "erin", "Remote-Email", "erin@example.org").json();
        assertThat(again.get("id").asText())
                .as("deleted, so signed in afresh as a new user rather than the cached id")
                .isNotEqualTo(erin.toString());
    }

    @Test
    void emailAndTheAdminGroup_comeFromTheirHeaders_atEachRequest() {
        JsonNode admin = me(server, "dave", "Remote-Email", "dave@example.org", "Remote-Groups", "users,admins")
                .json();
        assertThat(admin.get("email").asText()).isEqualTo("dave@example.org");
        assertThat(admin.get("is_admin").asBoolean()).isTrue();

        JsonNode spaced = me(server, "dave", "Remote-Groups", "users admins").json();
        assertThat(spaced.get("is_admin").asBoolean())
                .as("space-separated groups")
                .isTrue();
        assertThat(spaced.get("email").asText())
                .as("kept when the header is absent")
                .isEqualTo("dave@example.org");

        JsonNode removed =
                me(server, "dave", "Remote-Groups", "users, administrators").json();
        assertThat(removed.get("is_admin").asBoolean())
                .as("out of the group at the proxy, so no longer an administrator here")
                .isFalse();
        assertThat(me(server, "dave").json().get("is_admin").asBoolean()).isFalse();
        JsonNode back = me(server, "dave", "Remote-Email", "dave@example.org", "Remote-Groups", "users,admins")
                .json();
        assertThat(back.get("is_admin").asBoolean())
                .as("the headers of the first request again, within the minute: still taken")
                .isTrue();
    }

    @Test
    void aBearerTokenInTheRequest_winsOverTheProxysHeader() {
        String alicesToken = server.newUserToken("alice");
        Response r =
                server.send(as(server.request("/api/me", alicesToken), "carol").GET());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("sub").asText()).isEqualTo("local:alice");
        assertThat(server.app().services().users().findBySub("proxy:carol")).isEmpty();
    }

    @Test
    void aStateChangingRequestFromAnotherSite_isRefused_whileOurOwnPagesNeedNoCsrfToken() {
        Response crossSite = publish("carol", "Origin", "https://evil.example");
        assertThat(crossSite.status()).as(crossSite.body()).isEqualTo(403);
        assertThat(crossSite.detail()).isEqualTo("CSRF: the request comes from another site (Origin/Referer)");

        Response nullOrigin = publish("carol", "Origin", "null");
        assertThat(nullOrigin.status()).isEqualTo(403);

        Response ours = publish("carol", "Origin", ourOrigin());
        assertThat(ours.status()).as(ours.body()).isEqualTo(201);
        Response list = server.send(
                as(server.request("/api/notifications/", null), "carol").GET());
        assertThat(list.json().get("items")).hasSize(1);
    }

    @Test
    void aMalformedHeaderValue_isRefusedNamingTheHeader() {
        Response r = me(server, "x".repeat(300));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.detail()).isEqualTo("Remote-User: must be at most 255 printable characters");
    }

    @Test
    void theHeaderFromAnAddressNotListed_isIgnored_andSaidOnceForThatAddress() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Map<String, String> otherProxy = new java.util.HashMap<>(BEHIND_THE_PROXY);
        otherProxy.put("AUTH_TRUSTED_PROXIES", "10.0.0.0/8, ::1");
        try (LogCapture warnings = LogCapture.warningsOf(TrustedProxy.class.getName());
                TestServer stranger = TestServer.start(dialect, elsewhere, otherProxy, clock)) {
            for (int i = 0; i < 3; i++) {
                // X-Forwarded-For is written by whoever sends the request: naming a listed proxy proves nothing.
                Response r = me(stranger, "root", "Remote-Groups", "admins", "X-Forwarded-For", "10.0.0.5");
                assertThat(r.status()).as(r.body()).isEqualTo(401);
            }
            Response home =
                    stranger.send(as(stranger.request("/", null), "root").GET());
            assertThat(home.status()).isEqualTo(302);

            assertThat(stranger.app().services().users().findBySub("proxy:root"))
                    .isEmpty();
            assertThat(warnings.lines())
                    .containsExactly(
                            "Remote-User: ignored from 127.0.0.1, which is not in AUTH_TRUSTED_PROXIES (said once per address)");
        }
    }
}
