package dev.prioritynotify.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prioritynotify.push.TestPushService;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.SseClient;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.support.TestServer.Response;
import dev.prioritynotify.user.User;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One row for every route the server answers: user B, with a token and with a session, tries to
 * read, change or delete what belongs to user A, and a non-admin tries the admin routes. A route
 * the server answers that has no row fails {@link #everyRouteTheServerAnswersHasARow()}, so a new
 * route cannot be added without saying how it keeps users apart.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class IsolationTest {
    private static final String PASSWORD = "bob's long enough password";
    private static final String ALICE_PASSWORD = "alice's long enough password";

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestServer server;
    TestPushService pushService;
    Alice alice;
    Bob bob;

    /**
     * What belongs to A: every id, and strings that must never appear in anything B is shown. A's
     * browser token was made over HTTP by A's session, so its QR code is waiting there.
     */
    record Alice(
            User user,
            String token,
            String notificationId,
            String deviceId,
            String endpoint,
            String browserTokenId,
            String browserToken) {
        List<String> secrets() {
            return List.of(
                    user.id().toString(),
                    notificationId,
                    deviceId,
                    endpoint,
                    "alice-only-title",
                    "alice-only-device",
                    browserTokenId,
                    browserToken,
                    "alice-only-token");
        }
    }

    /** B: an ordinary user, signed in with a session, and holding a token with every scope. */
    record Bob(User user, String token, String cookie, String csrf) {}

    /** How B authenticates for one probe. */
    enum As {
        TOKEN,
        SESSION
    }

    /** What a route must do when B calls it. */
    enum Expect {
        /** A's thing, named by id, does not exist for B: 404 (never 403, which would confirm it exists). */
        NOT_FOUND,
        /** An administrator's route: 403 for B. */
        FORBIDDEN,
        /** Acts on B's own data only: succeeds, and what it answers holds nothing of A's. */
        OWN_ONLY,
        /**
         * A browser-only route (token management, the caller's password) acting on B's own: B's
         * session succeeds and sees nothing of A's; B's token is refused with 403 whatever it asks.
         */
        SESSION_OWN_ONLY,
        /** A browser-only route naming A's thing by id: 404 to B's session; B's token gets 403 for any id. */
        SESSION_NOT_FOUND,
        /**
         * A page of the web app: B's session sees only B's data; a token is not a browser and is
         * sent to sign in, or refused.
         */
        PAGE,
        /**
         * A page about one of A's things, named by id: B's session gets 404 (as the API would say),
         * a token is not a browser and is sent to sign in, or refused.
         */
        PAGE_NOT_FOUND,
        /**
         * An administrator's page: B's session (no administrator) gets a 403 page, a token is not
         * a browser and is sent to sign in, or refused.
         */
        PAGE_FORBIDDEN,
        /** Serves no user's data (sign-in, health, the server's public key, the operator's metrics, the app's files). */
        NOT_PER_USER
    }

    /** One request of B's to one route, and what it must get. */
    record Probe(App.Route route, String what, Expect expect, Function<As, HttpRequest.Builder> request) {}

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dialect, tmp, TestPushService.serverSettings(Map.of()), InstantSource.system());
        pushService = TestPushService.start(
                server.get("/api/push/vapid-key", null).json().get("publicKey").asText());

        String aliceToken = server.newUserToken("alice");
        TestPushService.Device aliceDevice = pushService.device();
        Response subscribed = server.post(
                "/api/push/subscribe",
                aliceToken,
                aliceDevice.subscriptionJson().replaceFirst("\\}$", ",\"device_name\":\"alice-only-device\"}"));
        assertThat(subscribed.status()).as(subscribed.body()).isEqualTo(201);
        String notificationId =
                server.publish(aliceToken, "alice-only-title").get("id").asText();
        // A delivery of A's exists, so the deliveries route has something to hide.
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> !aliceDevice.received().isEmpty());
        User aliceUser =
                server.app().services().users().findBySub("local:alice").orElseThrow();
        server.app().services().accounts().setPassword(aliceUser, ALICE_PASSWORD.toCharArray());
        String aliceCookie = signIn("alice", ALICE_PASSWORD);
        Response aliceCreated = server.send(server.request("/api/tokens/", null)
                .header("Cookie", aliceCookie)
                .header("Origin", origin())
                .header("X-CSRF-Token", csrfOf(aliceCookie))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"alice-only-token\"}")));
        assertThat(aliceCreated.status()).as(aliceCreated.body()).isEqualTo(201);
        alice = new Alice(
                aliceUser,
                aliceToken,
                notificationId,
                subscribed.json().get("id").asText(),
                aliceDevice.endpoint(),
                aliceCreated.json().get("id").asText(),
                aliceCreated.json().get("token").asText());

        User bobUser = server.app().services().accounts().create("bob", false, Optional.of(PASSWORD.toCharArray()));
        String cookie = signIn("bob", PASSWORD);
        bob = new Bob(bobUser, server.token(bobUser), cookie, csrfOf(cookie));
        server.publish(bob.token(), "bob's own");
    }

    @AfterEach
    void stop() {
        pushService.close();
        server.close();
    }

    private String origin() {
        return "http://127.0.0.1:" + server.app().port();
    }

    private String csrfOf(String cookie) {
        return server.send(
                        server.request("/api/me", null).header("Cookie", cookie).GET())
                .json()
                .get("csrf_token")
                .asText();
    }

    private String signIn(String username, String password) {
        String form = "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        Response r = server.send(server.request("/login", null)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", origin())
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        assertThat(r.status()).as(r.body()).isEqualTo(303);
        String setCookie = r.raw().headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    /** B's request: with B's token, or with B's cookie and what our own pages would send with it. */
    private HttpRequest.Builder as(As as, String method, String path, Optional<String> json) {
        HttpRequest.Builder b = server.request(path, as == As.TOKEN ? bob.token() : null);
        if (as == As.SESSION) {
            b.header("Cookie", bob.cookie()).header("Origin", origin()).header("X-CSRF-Token", bob.csrf());
        }
        json.ifPresent(body -> b.header("Content-Type", "application/json"));
        return b.method(
                method, json.map(HttpRequest.BodyPublishers::ofString).orElseGet(HttpRequest.BodyPublishers::noBody));
    }

    private Probe probe(String method, String path, Expect expect, String what, String requestPath) {
        return probe(method, path, expect, what, requestPath, Optional.empty());
    }

    private Probe probe(
            String method, String path, Expect expect, String what, String requestPath, Optional<String> json) {
        return new Probe(new App.Route(method, path), what, expect, as -> as(as, method, requestPath, json));
    }

    private static Probe notPerUser(String method, String path, String why) {
        return new Probe(new App.Route(method, path), why, Expect.NOT_PER_USER, as -> {
            throw new AssertionError("not probed");
        });
    }

    /** The table: one row (or more) for each route. */
    private List<Probe> probes() {
        String n = "/api/notifications/" + alice.notificationId();
        String device = alice.deviceId();
        String endpoint = URLEncoder.encode(alice.endpoint(), StandardCharsets.UTF_8);
        Optional<String> endpointBody = Optional.of("{\"endpoint\":\"" + alice.endpoint() + "\"}");
        List<Probe> rows = new ArrayList<>(List.of(
                notPerUser("GET", "/healthz", "liveness"),
                notPerUser("GET", "/readyz", "readiness"),
                notPerUser("GET", "/metrics", "the operator's counters, guarded by METRICS_TOKEN"),
                notPerUser("GET", "/api/openapi.json", "the API's description, the same for everyone"),
                notPerUser("GET", "/login", "the sign-in form"),
                notPerUser("POST", "/login", "signs the caller in as the account whose password it has"),
                notPerUser("GET", "/auth/login", "sends the browser to the identity provider"),
                notPerUser(
                        "GET",
                        "/auth/callback",
                        "signs the browser in as whoever the provider vouches for, for a sign-in it started"),
                notPerUser("GET", "/auth/logout", "ends the caller's own session"),
                notPerUser("POST", "/auth/logout", "ends the caller's own session"),
                notPerUser("GET", "/api/push/vapid-key", "the server's public key"),
                notPerUser("GET", "/api/v1/push/vapid-public-key", "the server's public key"),
                notPerUser("GET", "/static/<path>", "the web app's CSS, scripts and icons, the same for everyone"),
                notPerUser("GET", "/sw.js", "the service worker, the same for everyone"),
                notPerUser("GET", "/manifest.webmanifest", "the web app manifest, the same for everyone"),
                notPerUser("GET", "/favicon.ico", "the app's icon"),
                probe("GET", "/", Expect.PAGE, "the dashboard", "/"),
                probe("GET", "/", Expect.PAGE, "the dashboard, archived and every status", "/?status=all"),
                probe("GET", "/settings", Expect.PAGE, "push settings (devices are read through the API)", "/settings"),
                probe(
                        "GET",
                        "/notifications/{id}",
                        Expect.PAGE_NOT_FOUND,
                        "A's notification on its page (opening it would mark it read)",
                        "/notifications/" + alice.notificationId()),
                probe("GET", "/tokens", Expect.PAGE, "the caller's tokens on their page", "/tokens"),
                probe("GET", "/admin/users", Expect.PAGE_FORBIDDEN, "every user, on the admin page", "/admin/users"),
                probe("GET", "/api/me", Expect.OWN_ONLY, "who the caller is", "/api/me"),
                probe(
                        "POST",
                        "/api/notifications",
                        Expect.OWN_ONLY,
                        "create, with A's user id slipped in",
                        "/api/notifications",
                        Optional.of("{\"title\":\"bob's\",\"user_id\":\""
                                + alice.user().id() + "\"}")),
                probe(
                        "POST",
                        "/api/notifications/broadcast",
                        Expect.FORBIDDEN,
                        "broadcast to everyone",
                        "/api/notifications/broadcast",
                        Optional.of("{\"title\":\"to all\"}")),
                probe("GET", "/api/notifications", Expect.OWN_ONLY, "list", "/api/notifications?limit=200"),
                probe(
                        "GET",
                        "/api/notifications",
                        Expect.OWN_ONLY,
                        "list, archived too",
                        "/api/notifications?status=archived"),
                probe("GET", "/api/notifications/{id}", Expect.NOT_FOUND, "A's notification", n),
                probe(
                        "PATCH",
                        "/api/notifications/{id}",
                        Expect.NOT_FOUND,
                        "mark A's read",
                        n,
                        Optional.of("{\"status\":\"read\"}")),
                probe("DELETE", "/api/notifications/{id}", Expect.NOT_FOUND, "delete A's", n),
                probe(
                        "POST",
                        "/api/notifications/{id}/actions/read",
                        Expect.FORBIDDEN,
                        "mark A's read from a push, with B's credentials and no capability of A's (403, as for any id)",
                        n + "/actions/read",
                        Optional.of("{\"token\":\"" + "A".repeat(54) + "\"}")),
                probe(
                        "GET",
                        "/api/notifications/{id}/deliveries",
                        Expect.NOT_FOUND,
                        "A's deliveries",
                        n + "/deliveries"),
                new Probe(
                        new App.Route("GET", "/api/notifications/stream"),
                        "the live stream from the start",
                        Expect.OWN_ONLY,
                        as -> {
                            throw new AssertionError("probed by streamShowsOnlyTheCallersOwnEvents");
                        }),
                probe("GET", "/api/push/subscriptions", Expect.OWN_ONLY, "devices", "/api/push/subscriptions"),
                probe(
                        "GET",
                        "/api/v1/push/subscriptions",
                        Expect.OWN_ONLY,
                        "devices (v1)",
                        "/api/v1/push/subscriptions"),
                probe(
                        "GET",
                        "/api/push/subscriptions",
                        Expect.FORBIDDEN,
                        "every user's devices",
                        "/api/push/subscriptions?all=true"),
                probe(
                        "POST",
                        "/api/push/subscribe",
                        Expect.OWN_ONLY,
                        "subscribe a device of B's own",
                        "/api/push/subscribe",
                        Optional.of(newDeviceJson())),
                probe(
                        "POST",
                        "/api/v1/push/subscribe",
                        Expect.OWN_ONLY,
                        "subscribe a device of B's own (v1)",
                        "/api/v1/push/subscribe",
                        Optional.of(newDeviceJson())),
                probe(
                        "POST",
                        "/api/push/test",
                        Expect.OWN_ONLY,
                        "test push to the caller's devices",
                        "/api/push/test")));
        String aliceTokenPath = "/api/tokens/" + alice.browserTokenId();
        String aliceAdminPath = "/api/admin/users/" + alice.user().id();
        rows.addAll(List.of(
                probe("GET", "/api/tokens", Expect.SESSION_OWN_ONLY, "the caller's tokens", "/api/tokens"),
                probe(
                        "POST",
                        "/api/tokens",
                        Expect.SESSION_OWN_ONLY,
                        "create one, with A's user id slipped in",
                        "/api/tokens",
                        Optional.of("{\"name\":\"bob's\",\"user_id\":\""
                                + alice.user().id() + "\"}")),
                probe("DELETE", "/api/tokens/{id}", Expect.SESSION_NOT_FOUND, "revoke A's token", aliceTokenPath),
                probe(
                        "GET",
                        "/api/tokens/{id}/qr",
                        Expect.SESSION_NOT_FOUND,
                        "the QR code A's session may still fetch",
                        aliceTokenPath + "/qr"),
                probe(
                        "POST",
                        "/api/me/password",
                        Expect.SESSION_OWN_ONLY,
                        "change the caller's own password (to the same)",
                        "/api/me/password",
                        Optional.of(
                                "{\"current_password\":\"" + PASSWORD + "\",\"new_password\":\"" + PASSWORD + "\"}")),
                probe("GET", "/api/admin/users", Expect.FORBIDDEN, "every user", "/api/admin/users"),
                probe(
                        "POST",
                        "/api/admin/users",
                        Expect.FORBIDDEN,
                        "create an admin",
                        "/api/admin/users",
                        Optional.of("{\"username\":\"mallory\",\"is_admin\":true}")),
                probe(
                        "PATCH",
                        "/api/admin/users/{id}",
                        Expect.FORBIDDEN,
                        "make oneself admin",
                        "/api/admin/users/" + bob.user().id(),
                        Optional.of("{\"is_admin\":true}")),
                probe(
                        "POST",
                        "/api/admin/users/{id}/password",
                        Expect.FORBIDDEN,
                        "reset A's password",
                        aliceAdminPath + "/password"),
                probe("DELETE", "/api/admin/users/{id}", Expect.FORBIDDEN, "delete A", aliceAdminPath)));
        // The drop-ins publish for whoever the token (or session) belongs to, whatever the payload names.
        rows.addAll(List.of(
                probe(
                        "POST",
                        "/api/integrations/alertmanager",
                        Expect.OWN_ONLY,
                        "an Alertmanager webhook",
                        "/api/integrations/alertmanager",
                        Optional.of(
                                "{\"version\":\"4\",\"receiver\":\"bob's\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"bob's\"}}]}")),
                probe(
                        "POST",
                        "/api/integrations/webhook",
                        Expect.OWN_ONLY,
                        "a JSON webhook naming A in its body",
                        "/api/integrations/webhook?title=%7B%2Fname%7D",
                        Optional.of("{\"name\":\"bob's hook\",\"user_id\":\""
                                + alice.user().id() + "\"}")),
                probe(
                        "POST",
                        "/message",
                        Expect.OWN_ONLY,
                        "a Gotify message",
                        "/message",
                        Optional.of("{\"message\":\"bob's gotify\",\"appid\":1}")),
                probe(
                        "POST",
                        "/",
                        Expect.OWN_ONLY,
                        "an ntfy publish in JSON",
                        "/",
                        Optional.of("{\"topic\":\"bobs\",\"message\":\"bob's ntfy\"}")),
                probe("POST", "/{topic}", Expect.OWN_ONLY, "an ntfy publish", "/bobs", Optional.of("\"bob's ntfy\"")),
                probe("PUT", "/{topic}", Expect.OWN_ONLY, "an ntfy publish", "/bobs", Optional.of("\"bob's ntfy\""))));
        for (String path : List.of(
                "/api/push/unsubscribe", "/api/push/subscribe", "/api/v1/push/subscribe", "/api/v1/push/unsubscribe")) {
            rows.add(probe("DELETE", path, Expect.NOT_FOUND, "A's device by id", path + "?id=" + device));
            rows.add(probe("DELETE", path, Expect.NOT_FOUND, "A's device by endpoint", path + "?endpoint=" + endpoint));
            rows.add(probe("DELETE", path, Expect.NOT_FOUND, "A's device by endpoint in the body", path, endpointBody));
        }
        return rows;
    }

    private String newDeviceJson() {
        try {
            return pushService.device().subscriptionJson();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyRouteTheServerAnswersHasARow() {
        Set<String> answered = server.app().routes().stream()
                .filter(r -> !r.method().equals("HEAD"))
                .map(App.Route::toString)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> covered =
                probes().stream().map(p -> p.route().toString()).collect(Collectors.toCollection(TreeSet::new));

        assertThat(covered)
                .as("routes with a row in IsolationTest.probes(); add one for each new route")
                .containsAll(answered);
        assertThat(answered).as("rows for routes the server no longer answers").containsAll(covered);
    }

    @Test
    void userBCanNeitherSeeNorTouchWhatIsUserAsWithATokenOrASession() {
        SoftAssertions soft = new SoftAssertions();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (Probe probe : probes()) {
            if (probe.expect() == Expect.NOT_PER_USER || probe.route().path().equals("/api/notifications/stream")) {
                continue;
            }
            for (As as : As.values()) {
                Response r = server.send(probe.request().apply(as));
                String row = probe.route() + " (" + probe.what() + ") as B's "
                        + as.name().toLowerCase(java.util.Locale.ROOT);
                seen.put(row, r.status());
                switch (probe.expect()) {
                    case NOT_FOUND ->
                        soft.assertThat(r.status()).as(row + ": " + r.body()).isEqualTo(404);
                    case FORBIDDEN ->
                        soft.assertThat(r.status()).as(row + ": " + r.body()).isEqualTo(403);
                    case SESSION_OWN_ONLY -> {
                        if (as == As.SESSION) {
                            soft.assertThat(r.status())
                                    .as(row + ": " + r.body())
                                    .isBetween(200, 299);
                        } else {
                            soft.assertThat(r.status())
                                    .as(row + ": " + r.body())
                                    .isEqualTo(403);
                        }
                        assertShowsNothingOfAlices(soft, row, r);
                    }
                    case SESSION_NOT_FOUND ->
                        soft.assertThat(r.status()).as(row + ": " + r.body()).isEqualTo(as == As.SESSION ? 404 : 403);
                    case OWN_ONLY -> {
                        soft.assertThat(r.status()).as(row + ": " + r.body()).isBetween(200, 299);
                        assertShowsNothingOfAlices(soft, row, r);
                    }
                    case PAGE -> {
                        if (as == As.SESSION) {
                            soft.assertThat(r.status())
                                    .as(row + ": " + r.body())
                                    .isEqualTo(200);
                        } else {
                            soft.assertThat(r.status())
                                    .as(row + ": " + r.body())
                                    .isIn(302, 303, 401, 403);
                        }
                        assertShowsNothingOfAlices(soft, row, r);
                    }
                    case PAGE_NOT_FOUND -> {
                        soft.assertThat(r.status())
                                .as(row + ": " + r.body())
                                .isIn(as == As.SESSION ? List.of(404) : List.of(302, 303, 401, 403));
                        assertShowsNothingOfAlices(soft, row, r);
                    }
                    case PAGE_FORBIDDEN -> {
                        soft.assertThat(r.status())
                                .as(row + ": " + r.body())
                                .isIn(as == As.SESSION ? List.of(403) : List.of(302, 303, 401, 403));
                        assertShowsNothingOfAlices(soft, row, r);
                    }
                    case NOT_PER_USER -> throw new AssertionError("skipped above");
                }
            }
        }
        soft.assertAll();
        assertThat(seen).isNotEmpty();
        assertThatAliceStillHasEverything();
    }

    @Test
    void theStreamShowsOnlyTheCallersOwnEvents() throws Exception {
        for (As as : As.values()) {
            Map<String, String> headers = as == As.SESSION ? Map.of("Cookie", bob.cookie()) : Map.of();
            try (SseClient stream = SseClient.connect(
                    server.uri("/api/notifications/stream"), headers, as == As.TOKEN ? bob.token() : null, "0")) {
                assertThat(stream.status()).isEqualTo(200);
                // Live: A's new notification is committed before B's, so if it reached B it would come first.
                server.publish(alice.token(), "alice-only-title, later");
                String marker = "bob's marker " + as;
                server.publish(bob.token(), marker);
                List<String> frames = new ArrayList<>();
                SseClient.Frame frame;
                do {
                    frame = stream.next(10_000);
                    assertThat(frame).as("B's own event arrives").isNotNull();
                    frames.add(frame.data());
                } while (!frame.data().contains(marker));
                for (String data : frames) {
                    for (String secret : alice.secrets()) {
                        assertThat(data)
                                .as("B's stream (" + as + ") shows " + secret)
                                .doesNotContain(secret);
                    }
                }
                // The replay from 0 held B's earlier notification, and nothing of A's.
                assertThat(frames).anySatisfy(d -> assertThat(d).contains("bob's own"));
            }
        }
    }

    private void assertShowsNothingOfAlices(SoftAssertions soft, String row, Response r) {
        for (String secret : alice.secrets()) {
            soft.assertThat(r.body()).as(row + " shows " + secret).doesNotContain(secret);
        }
    }

    private void assertThatAliceStillHasEverything() {
        assertThat(server.get("/api/me", alice.browserToken()).status())
                .as("A's token made over HTTP")
                .isEqualTo(200);
        assertThat(server.app()
                        .services()
                        .users()
                        .findById(bob.user().id())
                        .orElseThrow()
                        .admin())
                .as("B made himself no admin")
                .isFalse();
        assertThat(server.app().services().accounts().find("mallory")).isEmpty();
        assertThat(server.app().services().accounts().verify("alice", ALICE_PASSWORD.toCharArray()))
                .as("A's password unchanged")
                .isPresent();
        Response notification = server.get("/api/notifications/" + alice.notificationId(), alice.token());
        assertThat(notification.status()).isEqualTo(200);
        assertThat(notification.json().get("status").asText()).isEqualTo("unread");
        JsonNode devices = server.get("/api/push/subscriptions", alice.token()).json();
        assertThat(devices.get("items")).extracting(d -> d.get("id").asText()).containsExactly(alice.deviceId());
        JsonNode deliveries = server.get("/api/notifications/" + alice.notificationId() + "/deliveries", alice.token())
                .json();
        assertThat(deliveries.get("total").asInt()).isEqualTo(1);
        assertThat(server.get("/api/notifications?limit=200", alice.token())
                        .json()
                        .get("items"))
                .extracting(i -> i.get("title").asText())
                .containsExactly("alice-only-title");
    }
}
