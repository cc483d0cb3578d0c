package dev.prioritynotify.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.MutableClock;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.support.TestServer.Response;
import dev.prioritynotify.user.User;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
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
 * Local accounts through the real application on both databases: the sign-in form, its rate
 * limit, the session cookie and what ends it, the CSRF rules of cookie-authenticated writes, and
 * the security headers.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class LocalSignInTest {
    private static final String PASSWORD = "a long enough password";
    private static final String GENERIC = "Wrong user name or password.";

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestServer server;
    MutableClock clock = MutableClock.atNow();
    User alice;

    @BeforeEach
    void start() {
        start(Map.of());
    }

    private void start(Map<String, String> settings) {
        server = TestServer.start(dialect, tmp, settings, clock);
        alice = server.app().services().accounts().create("alice", false, Optional.of(PASSWORD.toCharArray()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String ourOrigin() {
        return "http://127.0.0.1:" + server.app().port();
    }

    private Response login(String username, String password, String origin) {
        String form = "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return server.send(server.request("/login", null)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", origin)
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    private Response login(String username, String password) {
        return login(username, password, ourOrigin());
    }

    /** {@code pn_session=...}: the cookie a successful sign-in sets. */
    private static String cookieOf(Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(303);
        String setCookie = r.raw().headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private String signIn() {
        return cookieOf(login("alice", PASSWORD));
    }

    private Response withCookie(String path, String cookie) {
        return server.send(server.request(path, null).header("Cookie", cookie).GET());
    }

    private Response publishWithCookie(String cookie, String... headers) {
        return server.send(server.request("/api/notifications/", null)
                .header("Cookie", cookie)
                .headers(headers)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"t\"}")));
    }

    @Test
    void aWrongPassword_andAnUnknownUser_getTheSame401PageWithOneGenericMessage() {
        Response wrong = login("alice", "not her password");
        Response unknown = login("nobody", PASSWORD);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(wrong.body()).contains("<p role=\"alert\">" + GENERIC + "</p>");
        assertThat(unknown.body()).isEqualTo(wrong.body());
        assertThat(wrong.raw().headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void tenFailuresInAMinute_answer429WithRetryAfter_evenForTheRightPassword_untilTheWindowEnds() {
        for (int i = 0; i < 10; i++) {
            assertThat(login("alice", "guess " + i).status()).isEqualTo(401);
        }
        Response limited = login("alice", PASSWORD);
        assertThat(limited.status()).isEqualTo(429);
        long retryAfter =
                Long.parseLong(limited.raw().headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(limited.body()).contains("Too many failed attempts.");

        clock.advance(Duration.ofSeconds(retryAfter));
        assertThat(login("alice", PASSWORD).status()).as("past the window").isEqualTo(303);
    }

    @Test
    void aDeletedUsersSession_stopsWorkingOnTheNextRequest() {
        String cookie = signIn();
        assertThat(withCookie("/api/me", cookie).status()).isEqualTo(200);
        assertThat(server.app().services().users().delete(alice.id())).isTrue();
        assertThat(withCookie("/api/me", cookie).status()).isEqualTo(401);
    }

    @Test
    void signingOut_endsTheSession_soTheOldCookieIsRefused() {
        String cookie = signIn();
        Response out = server.send(server.request("/auth/logout", null)
                .header("Cookie", cookie)
                .header("Origin", ourOrigin())
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(out.status()).isEqualTo(303);
        assertThat(out.raw().headers().firstValue("Set-Cookie").orElseThrow()).startsWith("pn_session=;");
        assertThat(withCookie("/api/me", cookie).status()).isEqualTo(401);
    }

    @Test
    void theSessionCookie_isHttpOnlyLaxForTheWholeSite_andNotSecureOverHttp() {
        String setCookie = login("alice", PASSWORD)
                .raw()
                .headers()
                .firstValue("Set-Cookie")
                .orElseThrow();
        assertThat(setCookie.split("; "))
                .contains("HttpOnly", "SameSite=Lax", "Path=/")
                .doesNotContain("Secure");
    }

    @Test
    void theSessionCookie_isSecure_whenBaseUrlIsHttps() {
        server.close();
        start(Map.of("BASE_URL", "https://notify.example"));
        Response r = login("alice", PASSWORD, "https://notify.example");
        assertThat(r.status()).as(r.body()).isEqualTo(303);
        assertThat(r.raw().headers().firstValue("Set-Cookie").orElseThrow().split("; "))
                .contains("HttpOnly", "SameSite=Lax", "Path=/", "Secure");
    }

    @Test
    void aCookieAuthenticatedWrite_needsTheCsrfTokenAndOurOrigin() {
        String cookie = signIn();
        String csrf = withCookie("/api/me", cookie).json().get("csrf_token").asText();

        Response noToken = publishWithCookie(cookie, "Origin", ourOrigin());
        assertThat(noToken.status()).isEqualTo(403);
        assertThat(noToken.detail()).isEqualTo("CSRF: missing or wrong X-CSRF-Token (or form field csrf_token)");

        Response wrongToken = publishWithCookie(cookie, "Origin", ourOrigin(), "X-CSRF-Token", csrf + "x");
        assertThat(wrongToken.status()).isEqualTo(403);

        Response otherSite = publishWithCookie(cookie, "Origin", "https://evil.example", "X-CSRF-Token", csrf);
        assertThat(otherSite.status()).isEqualTo(403);
        assertThat(otherSite.detail()).isEqualTo("CSRF: the request comes from another site (Origin/Referer)");

        Response ours = publishWithCookie(cookie, "Origin", ourOrigin(), "X-CSRF-Token", csrf);
        assertThat(ours.status()).as(ours.body()).isEqualTo(201);
        assertThat(server.get("/api/notifications/", server.token(alice))
                        .json()
                        .get("total")
                        .asLong())
                .as("only the one that passed is stored")
                .isEqualTo(1);
    }

    @Test
    void aBearerRequest_needsNoCsrfToken_whateverItsOrigin() {
        Response r = server.send(server.request("/api/notifications/", server.token(alice))
                .header("Origin", "https://elsewhere.example")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"t\"}")));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    @Test
    void securityHeaders_areOnJsonAnswers_errorAnswers_andTheSignInPage() {
        Response json = server.get("/api/me", server.token(alice));
        Response error = server.get("/api/notifications/", null);
        Response page = server.get("/login", null);
        assertThat(json.status()).isEqualTo(200);
        assertThat(error.status()).isEqualTo(401);
        assertThat(page.status()).isEqualTo(200);
        for (Response r : new Response[] {json, error, page}) {
            var headers = r.raw().headers();
            assertThat(headers.firstValue("Content-Security-Policy"))
                    .as(r.raw().uri().getPath())
                    .hasValueSatisfying(csp -> assertThat(csp).contains("default-src"));
            assertThat(headers.firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(headers.firstValue("Referrer-Policy")).hasValue("same-origin");
            assertThat(headers.firstValue("X-Frame-Options")).hasValue("DENY");
        }
    }
}
