package dev.prioritynotify.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.JsonObject;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.user.User;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * The web app in a real browser (Debian's chromium) against the real server: signing in, the
 * dashboard, live updates over SSE, the actions reaching the server, escaping, and the service
 * worker showing pushes. No page may log a console error or violate the CSP.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class BrowserTest {
    private static final String PASSWORD = "a long enough password";
    private static final String XSS = "<img src=x onerror=alert(1)>";
    private static Chromium chromium;

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestServer server;
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
    void start() {
        server = TestServer.start(dialect, tmp);
        User ada = server.app().services().accounts().create("ada", false, Optional.of(PASSWORD.toCharArray()));
        token = server.token(ada);
        page = chromium.context().newPage();
        page.setDefaultTimeout(15_000);
        chromium.takeProblems();
    }

    @AfterEach
    void stop() {
        List<String> problems = chromium.finish(page);
        server.close();
        Chromium.assertNoProblems(problems);
    }

    private String origin() {
        return Chromium.origin(server);
    }

    /** Signs in through the form, as a person would, starting from the page they wanted. */
    private void signIn(String path) {
        Chromium.signIn(page, origin(), path, "ada", PASSWORD);
    }

    private void waitUntilLive() {
        assertThat(page.locator("#live")).hasAttribute("data-state", "live");
    }

    private Locator note(String title) {
        return page.locator(".note").filter(new Locator.FilterOptions().setHasText(title));
    }

    private String publish(String json) {
        TestServer.Response r = server.post("/api/notifications/", token, json);
        if (r.status() != 201) {
            throw new AssertionError(r.body());
        }
        return r.json().get("id").asText();
    }

    private String statusOnServer(String id) {
        TestServer.Response r = server.get("/api/notifications/" + id, token);
        return r.status() == 404 ? "gone" : r.json().get("status").asText();
    }

    @Test
    void signingInLeadsToTheDashboardWhichListsNotificationsNewestFirstWithTitlesAsText() {
        publish("{\"title\":\"older\",\"priority\":\"low\"}");
        publish("{\"title\":\"" + XSS.replace("\"", "\\\"") + "\",\"priority\":\"critical\",\"source\":\"ci\"}");

        signIn("/");

        Locator notes = page.locator("#notes > .note");
        assertThat(notes).hasCount(2);
        assertThat(notes.nth(0).locator(".note-title")).hasText(XSS);
        assertThat(notes.nth(0).locator(".prio-label")).hasText("Critical");
        assertThat(notes.nth(1).locator(".note-title")).hasText("older");
        assertThat(page.locator("#notes img")).hasCount(0);
        assertThat(page).hasTitle("(2) Notifications · priority-notify");
    }

    @Test
    void aNotificationPostedWithATokenAppearsWithoutReloadAndItsTitleStaysText() {
        signIn("/");
        waitUntilLive();

        publish("{\"title\":\"deploy finished\",\"message\":\"all green\",\"priority\":\"high\",\"source\":\"ci\"}");
        publish("{\"title\":\"" + XSS.replace("\"", "\\\"") + "\"}");

        assertThat(note("deploy finished")).hasCount(1);
        assertThat(page.locator("#notes > .note").first().locator(".note-title"))
                .hasText(XSS);
        assertThat(page.locator("#notes img")).hasCount(0);
        assertThat(page).hasTitle("(2) Notifications · priority-notify");
        note("deploy finished").locator("summary").click();
        assertThat(note("deploy finished").locator(".note-message")).hasText("all green");
        assertThat(note("deploy finished").locator(".fact-source")).hasText("ci");
    }

    @Test
    void aFilteredDashboardTakesInOnlyLiveNotificationsThatMatch() {
        signIn("/?priority=critical");
        waitUntilLive();

        publish("{\"title\":\"just low\",\"priority\":\"low\"}");
        publish("{\"title\":\"on fire\",\"priority\":\"critical\"}");

        assertThat(note("on fire")).hasCount(1);
        assertThat(page.locator("#notes > .note")).hasCount(1);
        assertThat(page).hasTitle("(2) Notifications · priority-notify"); // the count is of every unread one
    }

    @Test
    void aBrowserWithoutServiceWorkersUsesTheAppWithoutAnError() {
        page.addInitScript("delete Navigator.prototype.serviceWorker;");
        publish("{\"title\":\"still here\"}");

        signIn("/");
        waitUntilLive();

        assertThat(note("still here")).hasCount(1);
        assertThat(page.evaluate("() => 'serviceWorker' in navigator")).isEqualTo(false);
        // takeProblems() after the test: no console error, no uncaught exception
    }

    @Test
    void markReadArchiveAndDeleteReachTheServer() {
        String read = publish("{\"title\":\"to read\"}");
        String archived = publish("{\"title\":\"to archive\"}");
        String deleted = publish("{\"title\":\"to delete\"}");
        signIn("/");
        waitUntilLive();

        note("to read")
                .getByRole(
                        AriaRole.BUTTON,
                        new Locator.GetByRoleOptions().setName("Mark read").setExact(true))
                .click();
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> statusOnServer(read).equals("read"));
        assertThat(note("to read")).hasAttribute("data-status", "read");
        note("to read")
                .getByRole(
                        AriaRole.BUTTON,
                        new Locator.GetByRoleOptions().setName("Mark unread").setExact(true))
                .click();
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> statusOnServer(read).equals("unread"));

        note("to archive")
                .getByRole(
                        AriaRole.BUTTON,
                        new Locator.GetByRoleOptions().setName("Archive").setExact(true))
                .click();
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> statusOnServer(archived).equals("archived"));
        assertThat(note("to archive")).hasCount(0); // the inbox holds no archived ones

        note("to delete")
                .getByRole(
                        AriaRole.BUTTON,
                        new Locator.GetByRoleOptions().setName("Delete").setExact(true))
                .click();
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> statusOnServer(deleted).equals("gone"));
        assertThat(note("to delete")).hasCount(0);
        assertThat(page).hasTitle("(1) Notifications · priority-notify");
    }

    @Test
    void changesMadeElsewhereThroughTheApiUpdateTheOpenPage() {
        String a = publish("{\"title\":\"read elsewhere\"}");
        String b = publish("{\"title\":\"deleted elsewhere\"}");
        signIn("/");
        waitUntilLive();

        server.patch("/api/notifications/" + a, token, "{\"status\":\"read\"}");
        server.delete("/api/notifications/" + b, token);

        assertThat(note("read elsewhere")).hasAttribute("data-status", "read");
        assertThat(note("read elsewhere").locator(".note-state")).hasText("Read");
        assertThat(note("deleted elsewhere")).hasCount(0);
        assertThat(page).hasTitle("Notifications · priority-notify");
    }

    @Test
    void aNotificationsOwnPageShowsItAndMarksItRead() {
        String id = publish("{\"title\":\"open me\",\"message\":\"the details\",\"metadata\":{\"host\":\"web-01\"}}");
        signIn("/notifications/" + id);

        assertThat(page.locator(".note-title")).hasText("open me");
        assertThat(page.locator(".note-message")).isVisible();
        assertThat(page.locator(".fact-meta")).containsText("web-01");
        assertThat(statusOnServer(id)).isEqualTo("read");
    }

    @Test
    void theServiceWorkerShowsPushesInOurPayloadFormat() {
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
        signIn("/");
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> registrationId.get() != null);

        push(cdp, registrationId.get(), payload("Disk full", "web-01 at 95%", "disk-web-01", "critical"));
        push(cdp, registrationId.get(), payload("Disk full again", "web-01 at 97%", "disk-web-01", "critical"));
        push(cdp, registrationId.get(), payload("Slow checkout", "p95 1.8 s", "latency", "high"));
        push(cdp, registrationId.get(), payload("Backup done", "", "backup", "low"));
        push(cdp, registrationId.get(), "this is not JSON");

        // title, body, tag, renotify, requireInteraction, data.url
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(shown())
                        .containsExactlyInAnyOrder(
                                List.of(
                                        "Disk full again",
                                        "web-01 at 97%",
                                        "disk-web-01",
                                        "true",
                                        "true",
                                        "/notifications/x"),
                                List.of("Slow checkout", "p95 1.8 s", "latency", "true", "false", "/notifications/x"),
                                List.of("Backup done", "", "backup", "false", "false", "/notifications/x"),
                                List.of(
                                        "priority-notify",
                                        "You have a new notification.",
                                        "priority-notify-generic",
                                        "false",
                                        "false",
                                        "/")));
    }

    /**
     * The screenshots in docs/screenshots (README): the dashboard at desktop and phone width, light
     * and dark. Only on request, as they change the working tree:
     * {@code ./mvnw test -Dtest=BrowserTest -Dscreenshots=docs/screenshots}.
     */
    @Test
    void screenshots() throws Exception {
        String dir = System.getProperty("screenshots");
        assumeTrue(dir != null && dialect == Dialect.SQLITE, "screenshots only when asked for (-Dscreenshots=<dir>)");
        Path out = Path.of(dir).toAbsolutePath();
        Files.createDirectories(out);
        publish(
                "{\"title\":\"Nightly backup completed\",\"message\":\"42.1 GiB in 18 min, 3 snapshots pruned.\",\"priority\":\"low\",\"source\":\"backup\"}");
        String read = publish(
                "{\"title\":\"Certificate for example.org renews in 14 days\",\"priority\":\"medium\",\"source\":\"certbot\"}");
        server.patch("/api/notifications/" + read, token, "{\"status\":\"read\"}");
        publish(
                "{\"title\":\"Deploy of api v2.14.0 finished\",\"message\":\"All 12 checks passed.\",\"priority\":\"medium\",\"source\":\"ci\",\"url\":\"https://ci.example.org/runs/1842\"}");
        publish(
                "{\"title\":\"High latency on checkout service\",\"message\":\"p95 at 1.8 s for 10 min (threshold 800 ms).\",\"priority\":\"high\",\"source\":\"alertmanager\",\"tag\":\"checkout-latency\"}");
        publish(
                "{\"title\":\"Disk almost full on web-01\",\"message\":\"/var at 96% (2.1 GiB left). Log rotation may have stopped.\",\"priority\":\"critical\",\"source\":\"monitoring\",\"metadata\":{\"host\":\"web-01\",\"mount\":\"/var\",\"used_percent\":96}}");
        signIn("/");
        waitUntilLive();
        page.locator("#notes > .note").first().locator("summary").click();
        for (String scheme : List.of("light", "dark")) {
            page.emulateMedia(new Page.EmulateMediaOptions()
                    .setColorScheme(scheme.equals("dark") ? ColorScheme.DARK : ColorScheme.LIGHT));
            page.setViewportSize(1280, 860);
            page.screenshot(new Page.ScreenshotOptions().setPath(out.resolve("dashboard-desktop-" + scheme + ".png")));
            page.setViewportSize(390, 844);
            page.screenshot(new Page.ScreenshotOptions().setPath(out.resolve("dashboard-phone-" + scheme + ".png")));
        }
    }

    @Test
    void axeFindsNoSeriousOrCriticalViolationOnAnyPageInLightOrDark() throws Exception {
        String id = publish(
                "{\"title\":\"Disk almost full\",\"message\":\"96%\",\"priority\":\"critical\",\"source\":\"monitoring\",\"url\":\"https://example.org/\",\"tag\":\"disk\",\"metadata\":{\"host\":\"web-01\"}}");
        publish("{\"title\":\"Backup done\",\"priority\":\"low\"}");
        String script = Axe.script();
        page.navigate(origin() + "/login");
        assertThat(Axe.seriousViolations(page, script)).as("/login").isEmpty();
        signIn("/");
        waitUntilLive();
        page.locator("#notes > .note").first().locator("summary").click();
        for (ColorScheme scheme : List.of(ColorScheme.LIGHT, ColorScheme.DARK)) {
            page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(scheme));
            assertThat(Axe.seriousViolations(page, script)).as("/ in " + scheme).isEmpty();
        }
        page.navigate(origin() + "/notifications/" + id);
        for (ColorScheme scheme : List.of(ColorScheme.LIGHT, ColorScheme.DARK)) {
            page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(scheme));
            assertThat(Axe.seriousViolations(page, script))
                    .as("/notifications/{id} in " + scheme)
                    .isEmpty();
        }
        page.navigate(origin() + "/?status=archived");
        assertThat(Axe.seriousViolations(page, script))
                .as("the empty dashboard")
                .isEmpty();
    }

    private static String payload(String title, String body, String tag, String priority) {
        return TestServer.mapper()
                .createObjectNode()
                .put("title", title)
                .put("body", body)
                .put("icon", "/static/icon-192.png")
                .put("badge", "/static/badge-72.png")
                .put("tag", tag)
                .set(
                        "data",
                        TestServer.mapper()
                                .valueToTree(Map.of(
                                        "url", "/notifications/x", "notification_id", "x", "priority", priority)))
                .toString();
    }

    private void push(CDPSession cdp, String registrationId, String data) {
        JsonObject params = new JsonObject();
        params.addProperty("origin", origin());
        params.addProperty("registrationId", registrationId);
        params.addProperty("data", data);
        cdp.send("ServiceWorker.deliverPushMessage", params);
    }

    /** The notifications the service worker shows now: title, body and tag of each. */
    private List<List<String>> shown() throws Exception {
        Object json = page.evaluate("() => navigator.serviceWorker.ready"
                + ".then(r => r.getNotifications())"
                + ".then(ns => JSON.stringify(ns.map(n => [n.title, n.body, n.tag, String(n.renotify),"
                + " String(n.requireInteraction), new URL(n.data.url).pathname])))");
        JsonNode list = TestServer.mapper().readTree((String) json);
        return java.util.stream.StreamSupport.stream(list.spliterator(), false)
                .map(n -> java.util.stream.StreamSupport.stream(n.spliterator(), false)
                        .map(JsonNode::asText)
                        .toList())
                .toList();
    }
}
