package dev.prioritynotify.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.MutableClock;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.support.TestServer.Response;
import dev.prioritynotify.token.DeviceType;
import dev.prioritynotify.token.Scope;
import dev.prioritynotify.user.User;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may call the API, through the real application on both databases: a request without a
 * valid bearer token is refused with 401 and a {@code WWW-Authenticate: Bearer} challenge
 * (RFC 6750 §3), a token without the route's scope or a non-administrator on an administrators'
 * route with 403, and nothing a refused request carried is stored.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class AuthenticatorTest {
    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestServer server;
    MutableClock clock = MutableClock.atNow();
    User alice;
    String token;

    @BeforeEach
    void start() {
        server = TestServer.start(dialect, tmp, Map.of(), clock);
        alice = server.user("alice");
        token = server.token(alice);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Response publish(String bearer) {
        return server.post("/api/notifications/", bearer, "{\"title\":\"t\"}");
    }

    private Response withAuthorization(String header) {
        return server.send(server.request("/api/notifications/", null)
                .header("Authorization", header)
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"title\":\"t\"}")));
    }

    private void assertRefused(Response r, int status, String detail) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).isEqualTo("{\"detail\":\"" + detail + "\"}");
        assertThat(r.raw().headers().firstValue("WWW-Authenticate"))
                .as("the challenge comes with 401 only")
                .isEqualTo(status == 401 ? Optional.of("Bearer") : Optional.empty());
        assertThat(server.get("/api/notifications/", token).json().get("total").asLong())
                .as("nothing stored")
                .isZero();
    }

    @Test
    void aMissingToken_isRefusedWith401AndAChallenge() {
        assertRefused(publish(null), 401, "Authorization: missing; send 'Authorization: Bearer <token>'");
        assertRefused(withAuthorization("  "), 401, "Authorization: missing; send 'Authorization: Bearer <token>'");
    }

    @Test
    void anotherScheme_isRefusedWith401() {
        assertRefused(withAuthorization("Basic abc"), 401, "Authorization: must be 'Bearer <token>'");
        assertRefused(withAuthorization(token), 401, "Authorization: must be 'Bearer <token>'");
    }

    @Test
    void theBearerScheme_isAcceptedInAnyCase() {
        assertThat(withAuthorization("bearer " + token).status()).isEqualTo(201);
        assertThat(withAuthorization("BEARER " + token).status()).isEqualTo(201);
    }

    @Test
    void anUnknownToken_isRefusedWith401() {
        assertRefused(publish("pn_doesnotexist"), 401, "Authorization: unknown or revoked token");
    }

    @Test
    void anExpiredToken_isRefusedWith401() {
        String shortLived = server.app()
                .services()
                .tokens()
                .issue(
                        alice.id(),
                        "short",
                        DeviceType.SCRIPT,
                        EnumSet.allOf(Scope.class),
                        Optional.of(Duration.ofHours(1)))
                .plaintext();
        assertThat(server.get("/api/notifications/", shortLived).status()).isEqualTo(200);
        clock.advance(Duration.ofHours(1));
        assertRefused(publish(shortLived), 401, "Authorization: token has expired");
    }

    @Test
    void aRevokedToken_isRefusedWith401OnTheNextRequest() {
        var issued = server.app()
                .services()
                .tokens()
                .issue(alice.id(), "soon revoked", DeviceType.SCRIPT, EnumSet.allOf(Scope.class), Optional.empty());
        assertThat(server.get("/api/notifications/", issued.plaintext()).status())
                .isEqualTo(200);
        assertThat(server.app().services().tokens().revoke(issued.token().id(), alice.id()))
                .isTrue();
        assertRefused(publish(issued.plaintext()), 401, "Authorization: unknown or revoked token");
    }

    @Test
    void aTokenLackingTheRoutesScope_isRefusedWith403() {
        String readOnly = server.token(alice, Scope.READ);
        String publishOnly = server.token(alice, Scope.PUBLISH);
        assertRefused(publish(readOnly), 403, "Authorization: token lacks the 'publish' scope");
        assertRefused(
                server.get("/api/notifications/", publishOnly), 403, "Authorization: token lacks the 'read' scope");
        assertThat(server.get("/api/notifications/stream", publishOnly).status())
                .isEqualTo(403);
        assertThat(publish(publishOnly).status()).isEqualTo(201);
    }

    @Test
    void anyValidToken_mayAskWhoItIs_withTheScopesOfThatToken() {
        Response me = server.get("/api/me", server.token(alice, Scope.READ));
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("name").asText()).isEqualTo("alice");
        assertThat(me.json().get("is_admin").asBoolean()).isFalse();
        assertThat(me.json().get("scopes").toString()).isEqualTo("[\"read\"]");
        assertRefused(server.get("/api/me", null), 401, "Authorization: missing; send 'Authorization: Bearer <token>'");
    }

    @Test
    void aNonAdministrator_isRefusedWith403ByAnAdministratorsRoute() {
        Response r = server.post("/api/notifications/broadcast", token, "{\"title\":\"maintenance\"}");
        assertRefused(r, 403, "Authorization: only administrators may do this");
    }

    @Test
    void anAdministrator_stillNeedsTheRoutesScope() {
        User root = server.app().services().accounts().create("root", true, Optional.empty());
        assertRefused(
                server.post("/api/notifications/broadcast", server.token(root, Scope.READ), "{\"title\":\"m\"}"),
                403,
                "Authorization: token lacks the 'publish' scope");
        Response r = server.post(
                "/api/notifications/broadcast", server.token(root, Scope.PUBLISH), "{\"title\":\"maintenance\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("created").asInt()).isEqualTo(2);
    }
}
