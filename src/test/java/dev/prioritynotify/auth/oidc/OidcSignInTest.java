package dev.prioritynotify.auth.oidc;

import static dev.prioritynotify.auth.oidc.Browser.location;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.MutableClock;
import dev.prioritynotify.support.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Signing in with a real OpenID Connect provider (mock-oauth2-server, in-process) through the real
 * application on both databases: the whole code flow as a browser follows it, and each way an
 * answer can be wrong refused with a page, a 4xx status and no session.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class OidcSignInTest {
    private static final String CLIENT_ID = "priority-notify";
    private static final String SUBJECT = "alice-at-the-provider";

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    MockOAuth2Server provider;
    ProviderFront front;
    TestServer server;
    Browser browser = new Browser();
    MutableClock clock = MutableClock.atNow();

    @BeforeEach
    void startProvider() throws Exception {
        provider = new MockOAuth2Server();
        provider.start(InetAddress.getLoopbackAddress(), 0);
        front = ProviderFront.over(
                URI.create("http://127.0.0.1:" + provider.baseUrl().port() + "/"));
    }

    @AfterEach
    void stop() {
        browser.close();
        if (server != null) {
            server.close();
        }
        front.close();
        provider.shutdown();
    }

    private void startServer(String issuer, Map<String, String> extra) {
        int port = freePort();
        Map<String, String> settings = new HashMap<>(Map.of(
                "PORT",
                Integer.toString(port),
                "BASE_URL",
                "http://127.0.0.1:" + port,
                "OIDC_ISSUER_URL",
                issuer,
                "OIDC_CLIENT_ID",
                CLIENT_ID,
                "OIDC_CLIENT_SECRET",
                "the client's secret"));
        settings.putAll(extra);
        server = TestServer.start(dialect, tmp, settings, clock);
    }

    private void startServer(Map<String, String> extra) {
        startServer(front.issuer(), extra);
    }

    private void startServer() {
        startServer(Map.of());
    }

    /** What the provider puts in the next ID token it issues: alice, with these extra claims. */
    private void nextToken(Map<String, Object> claims, long expirySeconds) {
        Map<String, Object> all = new HashMap<>(Map.of("email", "alice@example.com", "name", "Alice Liddell"));
        all.putAll(claims);
        provider.enqueueCallback(
                new DefaultOAuth2TokenCallback("default", SUBJECT, "JWT", List.of(CLIENT_ID), all, expirySeconds));
    }

    private void nextToken(Map<String, Object> claims) {
        nextToken(claims, 3600);
    }

    private JsonNode me() {
        HttpResponse<String> r = browser.open(server.uri("/api/me"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        try {
            return TestServer.mapper().readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int meStatus() {
        return browser.open(server.uri("/api/me")).statusCode();
    }

    /** Our callback URL with the provider's code and state, the browser having gone there and back. */
    private URI callbackFromProvider(String next) {
        HttpResponse<String> login = browser.step(server.uri("/auth/login?next=" + next));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(302);
        HttpResponse<String> atProvider = browser.step(location(login));
        URI callback = location(atProvider);
        assertThat(callback.getPath()).isEqualTo("/auth/callback");
        return callback;
    }

    private static void assertRefused(HttpResponse<String> r, int status, String reason) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(r.body()).contains("Sign-in failed").contains(reason);
        assertThat(r.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("pn_session="));
    }

    @Test
    void theWholeCodeFlow_signsTheBrowserIn_showsTheUserAtApiMe_andLogoutEndsItHereAndAtTheProvider() {
        startServer();
        nextToken(Map.of());

        HttpResponse<String> landed = browser.open(server.uri("/auth/login?next=/api/me"));

        assertThat(landed.statusCode()).as(landed.body()).isEqualTo(200);
        assertThat(landed.uri().getPath()).isEqualTo("/api/me");
        JsonNode me = me();
        assertThat(me.get("sub").asText()).isEqualTo("oidc:" + SUBJECT);
        assertThat(me.get("email").asText()).isEqualTo("alice@example.com");
        assertThat(me.get("name").asText()).isEqualTo("Alice Liddell");
        assertThat(me.get("is_admin").asBoolean()).isFalse();
        assertThat(me.get("last_login_at").isNull()).isFalse();
        String session = browser.cookie("pn_session").orElseThrow();

        HttpResponse<String> out = browser.step(server.uri("/auth/logout"));

        assertThat(out.statusCode()).isEqualTo(303);
        URI endSession = location(out);
        assertThat(endSession.toString()).startsWith(front.issuer() + "/endsession?");
        Map<String, String> query = query(endSession);
        assertThat(query).containsEntry("client_id", CLIENT_ID);
        assertThat(query)
                .containsEntry("post_logout_redirect_uri", server.uri("/login").toString());
        assertThat(browser.cookie("pn_session")).isEmpty();
        assertThat(meStatus()).isEqualTo(401);
        assertThat(server.get("/api/me", null).status()).isEqualTo(401);
        assertThat(session).isNotEmpty();
        // The provider ends its own session and sends the browser back to our sign-in page.
        assertThat(location(browser.step(endSession))).isEqualTo(server.uri("/login"));
    }

    @Test
    void signingOutWithAForm_endsTheSession_andMovesOnToTheProviderByAPageNotARedirect() {
        startServer();
        nextToken(Map.of());
        browser.open(server.uri("/auth/login"));
        assertThat(me().get("sub").asText()).isEqualTo("oidc:" + SUBJECT);

        HttpResponse<String> out = browser.post(server.uri("/auth/logout"));

        // CSP form-action 'self' would stop a form's redirect to another site; a refresh is no form navigation.
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.body()).contains("http-equiv=\"refresh\"").contains(front.issuer() + "/endsession?");
        assertThat(meStatus()).isEqualTo(401);
    }

    @Test
    void theSignInPage_offersTheProvider_andWithoutLocalAccountsSendsStraightThere() {
        startServer(Map.of("AUTH_LOCAL_ENABLED", "true"));
        HttpResponse<String> page = browser.step(server.uri("/login?next=/api/me"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("href=\"/auth/login?next=%2Fapi%2Fme\"");
        server.close();

        startServer();
        HttpResponse<String> noLocal = browser.step(server.uri("/login?next=/api/me"));
        assertThat(noLocal.statusCode()).isEqualTo(302);
        assertThat(location(noLocal).toString()).endsWith("/auth/login?next=%2Fapi%2Fme");
    }

    @Test
    void aWrongState_isRefused_andNoSessionStarts() {
        startServer();
        URI callback = callbackFromProvider("/");
        URI tampered = URI.create(callback.toString().replaceFirst("state=[^&]+", "state=not-the-one-we-sent"));

        assertRefused(browser.step(tampered), 400, "unknown or was already used");
        assertThat(meStatus()).isEqualTo(401);
    }

    @Test
    void aReplayedCallback_isRefused_theFirstOneHavingUsedItsState() {
        startServer();
        nextToken(Map.of());
        URI callback = callbackFromProvider("/");
        assertThat(browser.step(callback).statusCode()).isEqualTo(303);
        browser.step(server.uri("/auth/logout"));

        assertRefused(browser.step(callback), 400, "unknown or was already used");
        assertThat(meStatus()).isEqualTo(401);
    }

    @Test
    void aReplayedCode_underAFreshState_isRefusedByTheProvider() {
        startServer();
        nextToken(Map.of());
        URI first = callbackFromProvider("/");
        assertThat(browser.step(first).statusCode()).isEqualTo(303);
        browser.step(server.uri("/auth/logout"));
        String usedCode = query(first).get("code");

        URI second = callbackFromProvider("/");
        URI withUsedCode = URI.create(second.toString().replaceFirst("code=[^&]+", "code=" + usedCode));

        assertRefused(browser.step(withUsedCode), 400, "refused the sign-in code (invalid_grant");
        assertThat(meStatus()).isEqualTo(401);
    }

    @Test
    void aCallbackFromAnotherBrowser_isRefused() {
        startServer();
        nextToken(Map.of());
        URI callback = callbackFromProvider("/");

        try (Browser victim = new Browser()) {
            assertRefused(victim.step(callback), 400, "started in another browser");
            assertThat(victim.open(server.uri("/api/me")).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void aSignInTheProviderDenied_isRefused403_withItsReason() {
        startServer();
        URI callback = callbackFromProvider("/");
        URI denied = URI.create(
                callback.toString().replaceFirst("code=[^&]+", "error=access_denied&error_description=not+for+you"));

        assertRefused(browser.step(denied), 403, "did not sign you in: access_denied (not for you)");
        assertThat(meStatus()).isEqualTo(401);
    }

    @Test
    void anIdTokenWithAnotherNonce_isRefused() {
        startServer();
        nextToken(Map.of("nonce", "a nonce of another sign-in"));

        assertRefused(browser.open(server.uri("/auth/login")), 400, "nonce");
        assertThat(meStatus()).isEqualTo(401);
    }

    @Test
    void anExpiredIdToken_isRefused() {
        startServer();
        nextToken(Map.of(), -120); // expired two minutes ago: beyond the minute of allowed skew

        assertRefused(browser.open(server.uri("/auth/login")), 400, "Expired JWT");
        assertThat(meStatus()).isEqualTo(401);
    }

    @Test
    void anIdTokenForAnotherAudience_isRefused() {
        startServer();
        nextToken(Map.of("aud", "another-client"));

        assertRefused(browser.open(server.uri("/auth/login")), 400, "audience");
        assertThat(meStatus()).isEqualTo(401);
    }

    @Test
    void anIdTokenSignedByAnotherKey_underTheProvidersKeyId_isRefused() throws Exception {
        startServer();
        nextToken(Map.of());
        front.resign(new ProviderFront.Resign(
                new RSAKeyGenerator(2048).keyID("default").generate(), false));

        assertRefused(browser.open(server.uri("/auth/login")), 400, "Signed JWT rejected");
        assertThat(meStatus()).isEqualTo(401);
    }

    @Test
    void aKeyRotationAtTheProvider_isPickedUp_aTokenUnderTheNewKeyIdRefetchingTheKeys() throws Exception {
        startServer();
        nextToken(Map.of());
        browser.open(server.uri("/auth/login"));
        assertThat(me().get("sub").asText()).isEqualTo("oidc:" + SUBJECT);
        browser.step(server.uri("/auth/logout"));

        RSAKey rotated = new RSAKeyGenerator(2048).keyID("rotated-1").generate();
        front.resign(new ProviderFront.Resign(rotated, true));
        nextToken(Map.of());
        browser.open(server.uri("/auth/login"));

        assertThat(me().get("sub").asText()).isEqualTo("oidc:" + SUBJECT);
    }

    @Test
    void anIdTokenExpiredWithinTheAllowedClockSkew_isStillAccepted() {
        startServer();
        nextToken(Map.of(), -20); // the provider's clock may run a little ahead of ours

        browser.open(server.uri("/auth/login"));

        assertThat(me().get("sub").asText()).isEqualTo("oidc:" + SUBJECT);
    }

    @Test
    void anIdTokenIssuedInTheFutureBeyondTheSkew_isRefused() {
        startServer();
        nextToken(Map.of("iat", java.time.Instant.now().plusSeconds(600).getEpochSecond()));

        assertRefused(browser.open(server.uri("/auth/login")), 400, "issue time ahead");
        assertThat(meStatus()).isEqualTo(401);
    }

    @Test
    void aSignInLeftAtTheProviderForMoreThanTenMinutes_hasExpired() {
        startServer();
        nextToken(Map.of());
        URI callback = callbackFromProvider("/");
        clock.advance(Duration.ofMinutes(11));

        assertRefused(browser.step(callback), 400, "expired");
        assertThat(meStatus()).isEqualTo(401);
        assertThat(server.app().services().users().findBySub("oidc:" + SUBJECT)).isEmpty();
    }

    @Test
    void aSignInStartedOnOneInstance_isFinishedByAnother() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                dialect == Dialect.POSTGRESQL, "two processes share a PostgreSQL database, not a SQLite file");
        startServer();
        nextToken(Map.of());
        try (dev.prioritynotify.app.App other = server.startSecondInstance(Map.of("PORT", "0"))) {
            // Started at the other instance; the provider sends the browser back to BASE_URL, this one.
            HttpResponse<String> login =
                    browser.step(URI.create("http://127.0.0.1:" + other.port() + "/auth/login?next=/api/me"));
            URI callback = location(browser.step(location(login)));
            assertThat(callback.getPort()).isEqualTo(server.app().port());

            HttpResponse<String> finished = browser.step(callback);

            assertThat(finished.statusCode()).as(finished.body()).isEqualTo(303);
            assertThat(me().get("sub").asText()).isEqualTo("oidc:" + SUBJECT);
        }
    }

    @Test
    void aNextOffSite_landsOnTheHomePageInstead() {
        startServer();
        for (String offSite : List.of("//evil.example/", "https://evil.example/", "/\\evil.example")) {
            nextToken(Map.of());
            HttpResponse<String> login = browser.step(
                    server.uri("/auth/login?next=" + java.net.URLEncoder.encode(offSite, StandardCharsets.UTF_8)));
            URI callback = location(browser.step(location(login)));

            HttpResponse<String> signedIn = browser.step(callback);

            assertThat(signedIn.statusCode()).isEqualTo(303);
            assertThat(signedIn.headers().firstValue("Location")).as(offSite).contains("/");
        }
    }

    @Test
    void membersOfTheAdminGroup_areAdministrators_andStopBeingOnesWhenTheProviderSaysSo() {
        startServer(Map.of("OIDC_ADMIN_GROUP", "pn-admins"));
        nextToken(Map.of("groups", List.of("staff", "pn-admins")));
        browser.open(server.uri("/auth/login"));
        assertThat(me().get("is_admin").asBoolean()).isTrue();
        browser.step(server.uri("/auth/logout"));

        nextToken(Map.of("groups", List.of("staff")));
        browser.open(server.uri("/auth/login"));
        JsonNode me = me();
        assertThat(me.get("is_admin").asBoolean()).isFalse();
        assertThat(me.get("sub").asText()).isEqualTo("oidc:" + SUBJECT);
    }

    @Test
    void aProviderDownAtStartUp_doesNotStopTheServer_andSignInWorksOnceItIsUp() throws Exception {
        int port = freePort();
        String issuer = "http://127.0.0.1:" + port + "/default";
        startServer(issuer, Map.of());
        assertThat(server.get("/healthz", null).status()).isEqualTo(200);

        HttpResponse<String> unreachable = browser.step(server.uri("/auth/login"));
        assertThat(unreachable.statusCode()).isEqualTo(503);
        assertThat(unreachable.body()).contains("is unreachable").contains(issuer);

        MockOAuth2Server late = new MockOAuth2Server();
        late.start(InetAddress.getLoopbackAddress(), port);
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> browser.step(server.uri("/auth/login")).statusCode() == 302);
            late.enqueueCallback(new DefaultOAuth2TokenCallback(
                    "default", SUBJECT, "JWT", List.of(CLIENT_ID), Map.of("name", "Alice"), 3600));
            browser.open(server.uri("/auth/login"));
            assertThat(me().get("sub").asText()).isEqualTo("oidc:" + SUBJECT);
        } finally {
            late.shutdown();
        }
    }

    @Test
    void withoutOidcConfigured_theProviderRoutesSaySo() {
        server = TestServer.start(dialect, tmp, Map.of(), clock);
        HttpResponse<String> login = browser.step(server.uri("/auth/login"));
        assertThat(login.statusCode()).isEqualTo(404);
        assertThat(login.body()).contains("not configured");
        assertThat(browser.step(server.uri("/auth/callback?state=x&code=y")).statusCode())
                .isEqualTo(404);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> params = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            params.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
