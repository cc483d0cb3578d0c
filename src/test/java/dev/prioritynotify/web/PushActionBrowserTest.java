package dev.prioritynotify.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.JsonObject;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import dev.prioritynotify.push.TestPushService;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.user.User;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * In a real browser: a push exactly as our server encrypted it for a device (taken from a test
 * push service, which decrypts what it receives) shows "Mark as read", and that action marks the
 * notification read on the server; a notification's page shows how it reached each device.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class PushActionBrowserTest {
    private static final String PASSWORD = "a long enough password";
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static Chromium chromium;

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestServer server;
    TestPushService pushService;
    String token;
    Page page;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launchOrSkip();
    }

    @AfterAll
    static void quit() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(
                dialect,
                tmp,
                TestPushService.serverSettings(Map.of(
                        // A failed push is retried in ten minutes: its state stays "retrying" while the page is looked
                        // at.
                        "PUSH_WORKER_POLL", "20ms", "PUSH_RETRY_BASE", "10m", "PUSH_RETRY_MAX_DELAY", "1h")),
                InstantSource.system());
        pushService = TestPushService.start(
                server.get("/api/push/vapid-key", null).json().get("publicKey").asText());
        User ada = server.app().services().accounts().create("ada", false, Optional.of(PASSWORD.toCharArray()));
        token = server.token(ada);
        page = chromium.context().newPage();
        page.setDefaultTimeout(15_000);
        chromium.takeProblems();
    }

    @AfterEach
    void stop() {
        List<String> problems = chromium.finish(page);
        pushService.close();
        server.close();
        Chromium.assertNoProblems(problems);
    }

    private String origin() {
        return Chromium.origin(server);
    }

    private void signIn(String path) {
        Chromium.signIn(page, origin(), path, "ada", PASSWORD);
    }

    /** A device of ada's at the test push service, which records what our server sends it. */
    private TestPushService.Device device(String name) throws Exception {
        TestPushService.Device device = pushService.device();
        TestServer.Response r = server.post(
                "/api/push/subscribe",
                token,
                device.subscriptionJson().replaceFirst("\\}$", ",\"device_name\":\"" + name + "\"}"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return device;
    }

    private String publish(String json) {
        TestServer.Response r = server.post("/api/notifications/", token, json);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    private String statusOnServer(String id) {
        return server.get("/api/notifications/" + id, token)
                .json()
                .get("status")
                .asText();
    }

    @Test
    void aRealPushShowsMarkAsReadAndTheActionMarksItReadOnTheServer() throws Exception {
        TestPushService.Device phone = device("ada's phone");
        String id = publish("{\"title\":\"Disk full\",\"message\":\"web-01 at 95%\",\"priority\":\"high\"}");
        Awaitility.await().atMost(WAIT).until(() -> !phone.received().isEmpty());
        // The exact plaintext our server encrypted for the device.
        String payload = phone.received().getFirst().plaintext();

        BrowserContext context = chromium.context();
        context.grantPermissions(
                List.of("notifications"), new BrowserContext.GrantPermissionsOptions().setOrigin(origin()));
        CDPSession cdp = context.newCDPSession(page);
        AtomicReference<String> registrationId = new AtomicReference<>();
        cdp.on(
                "ServiceWorker.workerRegistrationUpdated",
                event -> event.getAsJsonArray("registrations").forEach(r -> {
                    JsonObject reg = r.getAsJsonObject();
                    if (reg.get("scopeURL").getAsString().equals(origin() + "/")
                            && !reg.get("isDeleted").getAsBoolean()) {
                        registrationId.set(reg.get("registrationId").getAsString());
                    }
                }));
        cdp.send("ServiceWorker.enable");
        signIn("/"); // not the notification's own page: opening it would read it
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)");
        Awaitility.await().atMost(WAIT).until(() -> registrationId.get() != null);

        JsonObject params = new JsonObject();
        params.addProperty("origin", origin());
        params.addProperty("registrationId", registrationId.get());
        params.addProperty("data", payload);
        cdp.send("ServiceWorker.deliverPushMessage", params);

        Awaitility.await()
                .atMost(WAIT)
                .untilAsserted(
                        () -> assertThat(shown()).containsExactly(List.of("Disk full", id, "read", "Mark as read")));
        assertThat(statusOnServer(id)).isEqualTo("unread");
        assertThat(page.locator(".note[data-id=\"" + id + "\"]")).hasAttribute("data-status", "unread");

        // Headless chromium has no notification to tap: the page asks the worker to take the
        // action, which runs the same function as the notificationclick handler.
        page.evaluate(
                "tag => navigator.serviceWorker.ready.then(r => r.active.postMessage("
                        + "{ type: 'notification-action', action: 'read', tag }))",
                id);

        Awaitility.await().atMost(WAIT).until(() -> statusOnServer(id).equals("read"));
        Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(shown()).isEmpty());
        assertThat(page.url()).as("no window was opened or navigated").isEqualTo(origin() + "/");
        // The change reached the open dashboard over its stream, as it would every other device.
        assertThat(page.locator(".note[data-id=\"" + id + "\"]")).hasAttribute("data-status", "read");
    }

    @Test
    void aNotificationsPageShowsEachDevicesDeliveryState() throws Exception {
        TestPushService.Device phone = device("ada's phone");
        // A device whose push service is down: nothing listens on this port.
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String unreachable = pushService
                .device()
                .subscriptionJson()
                .replaceFirst("\"endpoint\":\"[^\"]+\"", "\"endpoint\":\"http://127.0.0.1:" + closedPort + "/push/x\"")
                .replaceFirst("\\}$", ",\"device_name\":\"ada's laptop\"}");
        assertThat(server.post("/api/push/subscribe", token, unreachable).status())
                .isEqualTo(201);
        String id = publish("{\"title\":\"Deploy finished\"}");
        Awaitility.await().atMost(WAIT).until(() -> !phone.received().isEmpty());

        signIn("/notifications/" + id);

        Locator deliveries = page.locator("#deliveries-list .delivery");
        assertThat(deliveries).hasCount(2);
        Locator delivered = deliveries.filter(new Locator.FilterOptions().setHasText("ada's phone"));
        assertThat(delivered.locator(".delivery-state")).hasText("Delivered");
        assertThat(delivered.locator(".delivery-detail time")).hasCount(1);
        Locator retrying = deliveries.filter(new Locator.FilterOptions().setHasText("ada's laptop"));
        assertThat(retrying.locator(".delivery-state")).hasText("Retrying");
        assertThat(retrying.locator(".delivery-detail")).containsText("next attempt");
        assertThat(retrying.locator(".delivery-detail")).containsText("connection refused");
        assertThat(page.locator("#deliveries-none")).isHidden();

        screenshots("notification");
        String script = Axe.script();
        for (ColorScheme scheme : List.of(ColorScheme.LIGHT, ColorScheme.DARK)) {
            page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(scheme));
            assertThat(Axe.seriousViolations(page, script))
                    .as("/notifications/{id} with deliveries in " + scheme)
                    .isEmpty();
        }
    }

    /** With {@code -Dscreenshots=<dir>} (as BrowserTest takes them): this page at desktop and phone width, light and dark. */
    private void screenshots(String name) throws Exception {
        String dir = System.getProperty("screenshots");
        if (dir == null || dialect != Dialect.SQLITE) {
            return;
        }
        Path out = Path.of(dir).toAbsolutePath();
        Files.createDirectories(out);
        for (ColorScheme scheme : List.of(ColorScheme.LIGHT, ColorScheme.DARK)) {
            String suffix = scheme == ColorScheme.DARK ? "dark" : "light";
            page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(scheme));
            page.setViewportSize(1280, 860);
            page.screenshot(new Page.ScreenshotOptions().setPath(out.resolve(name + "-desktop-" + suffix + ".png")));
            page.setViewportSize(390, 844);
            page.screenshot(new Page.ScreenshotOptions().setPath(out.resolve(name + "-phone-" + suffix + ".png")));
        }
        page.setViewportSize(1280, 860);
    }

    @Test
    void withoutDevicesThePageSaysSoAndLinksToTheSettings() {
        String id = publish("{\"title\":\"nobody's phone\"}");

        signIn("/notifications/" + id);

        Locator none = page.locator("#deliveries-none");
        assertThat(none).isVisible();
        assertThat(none).containsText("No devices subscribed");
        assertThat(none.getByRole(AriaRole.LINK)).hasAttribute("href", "/settings");
        assertThat(page.locator("#deliveries-list")).isHidden();

        server.delete("/api/notifications/" + id, token);
        assertThat(page.locator("#empty")).isVisible();
        assertThat(page.locator("#deliveries")).isHidden();
    }

    /** The notifications the service worker shows: title, notification id, and each action's name and title. */
    private List<List<String>> shown() throws Exception {
        Object json = page.evaluate("() => navigator.serviceWorker.ready"
                + ".then(r => r.getNotifications())"
                + ".then(ns => JSON.stringify(ns.map(n => [n.title, n.data.notification_id,"
                + " ...(n.actions || []).flatMap(a => [a.action, a.title])])))");
        JsonNode list = TestServer.mapper().readTree((String) json);
        return java.util.stream.StreamSupport.stream(list.spliterator(), false)
                .map(n -> java.util.stream.StreamSupport.stream(n.spliterator(), false)
                        .map(JsonNode::asText)
                        .toList())
                .toList();
    }
}
