package dev.prioritynotify.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import dev.prioritynotify.push.TestPushService;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.user.User;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * The push settings page in Debian's chromium against the real server, with push enabled and
 * devices whose push service is {@link TestPushService} (a real HTTP server that checks and
 * decrypts what it receives). Headless chromium has no push service of its own to subscribe
 * with, so this browser's own subscription is the Firefox test's part; here: its states, the
 * device list, removing, the test push, accessibility. No page may log a console error or violate
 * the CSP.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class SettingsBrowserTest {
    private static final String PASSWORD = "a long enough password";
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
        server = TestServer.start(dialect, tmp, TestPushService.serverSettings(Map.of()), InstantSource.system());
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
        chromium.context().clearPermissions();
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

    /** A device subscribed through the API, as another browser of ada's would be. */
    private TestPushService.Device device(String name, String minPriority) throws Exception {
        TestPushService.Device d = pushService.device();
        subscribe(d.subscriptionJson(), name, minPriority);
        return d;
    }

    private void subscribe(String subscriptionJson, String name, String minPriority) {
        String body = subscriptionJson.substring(0, subscriptionJson.length() - 1) + ",\"device_name\":\"" + name
                + "\",\"min_priority\":\"" + minPriority + "\"}";
        TestServer.Response r = server.post("/api/push/subscribe", token, body);
        if (r.status() != 201) {
            throw new AssertionError(r.body());
        }
    }

    private List<String> devicesOnServer() {
        return server.get("/api/push/subscriptions", token).json().get("items").findValuesAsText("device_name");
    }

    private Locator deviceRow(String name) {
        return page.locator("#device-list .device").filter(new Locator.FilterOptions().setHasText(name));
    }

    /**
     * Blocks notifications for this origin, as a person would in the site settings: the DevTools
     * protocol grants the given permissions and rejects all others ({@code Browser.grantPermissions}).
     */
    private void blockNotifications() {
        chromium.context()
                .grantPermissions(
                        List.of("clipboard-read"),
                        new com.microsoft.playwright.BrowserContext.GrantPermissionsOptions().setOrigin(origin()));
    }

    @Test
    void withNotificationsBlockedThePageExplainsHowToAllowThem() {
        blockNotifications();
        signIn("/settings");

        assertThat(page.locator("#push-state")).hasAttribute("data-state", "denied");
        assertThat(page.locator("#push-state")).hasText("Blocked in this browser");
        assertThat(page.locator("#explain-denied")).isVisible();
        assertThat(page.locator("#explain-denied")).containsText("site's settings");
        assertThat(page.locator("#enable")).isHidden();
        assertThat(page.evaluate("() => Notification.permission")).isEqualTo("denied");
    }

    @Test
    void aBrowserWithoutServiceWorkersIsToldItCannotReceivePushesAndNothingThrows() throws Exception {
        device("Pixel 8", "high");
        page.addInitScript("delete Navigator.prototype.serviceWorker;");
        signIn("/settings");

        assertThat(page.locator("#push-state")).hasAttribute("data-state", "unsupported");
        assertThat(page.locator("#explain-unsupported")).isVisible();
        assertThat(page.locator("#device-form")).isHidden();
        // The rest of the page still works: the devices are listed.
        assertThat(deviceRow("Pixel 8")).isVisible();
    }

    @Test
    void onAnIphoneOutsideTheHomeScreenAppThePageSaysToAddItFirst() {
        page.addInitScript("delete Navigator.prototype.serviceWorker; delete window.PushManager;"
                + "Object.defineProperty(navigator, 'userAgent', { get: () => 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like"
                + " Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1' });"
                + "Object.defineProperty(navigator, 'standalone', { get: () => false });");
        signIn("/settings");

        assertThat(page.locator("#push-state")).hasAttribute("data-state", "ios");
        assertThat(page.locator("#explain-ios")).isVisible();
        assertThat(page.locator("#explain-ios")).containsText("Add to Home Screen");
    }

    @Test
    void theDevicesAreListedWithTheirLastDeliveryAndRemoveReachesTheServer() throws Exception {
        device("Pixel 8", "high");
        TestPushService.Device laptop = device("Work laptop", "low");
        server.post("/api/notifications/", token, "{\"title\":\"Backup done\",\"priority\":\"low\"}");
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> !laptop.received().isEmpty());
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> server.get("/api/push/subscriptions", token).body().contains("\"last_used_at\":\"20"));

        signIn("/settings");

        assertThat(page.locator("#push-state")).hasAttribute("data-state", "default");
        assertThat(page.locator("#device-list .device")).hasCount(2);
        assertThat(deviceRow("Work laptop").locator(".device-delivery")).containsText("Last push delivered");
        assertThat(deviceRow("Pixel 8").locator(".device-delivery")).hasText("No push sent yet");
        assertThat(deviceRow("Pixel 8").locator(".device-prio")).hasText("High and above");

        deviceRow("Pixel 8")
                .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Remove Pixel 8"))
                .click();

        assertThat(deviceRow("Pixel 8")).hasCount(0);
        assertThat(devicesOnServer()).containsExactly("Work laptop");
    }

    @Test
    void aTestNotificationShowsEachDevicesOutcome() throws Exception {
        TestPushService.Device phone = device("Pixel 8", "high");
        device("Pager", "critical");
        TestPushService.Device forgotten = pushService.device();
        // An endpoint the push service does not know (404): the device is gone.
        subscribe(
                forgotten.subscriptionJson().replace(forgotten.endpoint(), forgotten.endpoint() + "0"),
                "Old tablet",
                "low");
        signIn("/settings");
        assertThat(page.locator("#device-list .device")).hasCount(3);

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send a test notification"))
                .click();

        Locator results = page.locator("#test-results .test-result");
        assertThat(results).hasCount(3);
        assertThat(results.filter(new Locator.FilterOptions().setHasText("Pixel 8")))
                .hasAttribute("data-result", "delivered");
        assertThat(results.filter(new Locator.FilterOptions().setHasText("Pixel 8")))
                .containsText("Delivered to the push service");
        assertThat(results.filter(new Locator.FilterOptions().setHasText("Old tablet")))
                .hasAttribute("data-result", "gone");
        // The test is a high push: a device that takes critical ones only is skipped, and told so.
        assertThat(results.filter(new Locator.FilterOptions().setHasText("Pager")))
                .containsText("critical notifications only");
        assertThat(phone.received())
                .singleElement()
                .satisfies(r -> assertThat(r.plaintext()).contains("\"title\":\"Test notification\""));
        // The gone device is removed on the server and from the list.
        assertThat(page.locator("#device-list .device")).hasCount(2);
        assertThat(devicesOnServer()).containsExactlyInAnyOrder("Pixel 8", "Pager");
    }

    @Test
    void axeFindsNoSeriousOrCriticalViolationInLightOrDark() throws Exception {
        device("Pixel 8", "high");
        String script = Axe.script();
        signIn("/settings");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send a test notification"))
                .click();
        assertThat(page.locator("#test-results .test-result")).hasCount(1);
        for (ColorScheme scheme : List.of(ColorScheme.LIGHT, ColorScheme.DARK)) {
            page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(scheme));
            assertThat(Axe.seriousViolations(page, script))
                    .as("/settings in " + scheme)
                    .isEmpty();
        }
        blockNotifications();
        page.reload();
        assertThat(page.locator("#explain-denied")).isVisible();
        for (ColorScheme scheme : List.of(ColorScheme.LIGHT, ColorScheme.DARK)) {
            page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(scheme));
            assertThat(Axe.seriousViolations(page, script))
                    .as("/settings, blocked, in " + scheme)
                    .isEmpty();
        }
    }

    /**
     * The screenshots of /settings in docs/screenshots (README), desktop and phone, light and dark.
     * Only on request: {@code ./mvnw test -Dtest=SettingsBrowserTest -Dscreenshots=docs/screenshots}.
     */
    @Test
    void screenshots() throws Exception {
        String dir = System.getProperty("screenshots");
        assumeTrue(dir != null && dialect == Dialect.SQLITE, "screenshots only when asked for (-Dscreenshots=<dir>)");
        Path out = Path.of(dir).toAbsolutePath();
        Files.createDirectories(out);
        TestPushService.Device phone = device("Pixel 8", "high");
        device("Work laptop", "low");
        server.post("/api/notifications/", token, "{\"title\":\"Disk almost full\",\"priority\":\"critical\"}");
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> !phone.received().isEmpty());
        signIn("/settings");
        page.locator("#device-name").fill("Firefox on this laptop");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send a test notification"))
                .click();
        assertThat(page.locator("#test-results .test-result")).hasCount(2);
        for (String scheme : List.of("light", "dark")) {
            page.emulateMedia(new Page.EmulateMediaOptions()
                    .setColorScheme(scheme.equals("dark") ? ColorScheme.DARK : ColorScheme.LIGHT));
            page.setViewportSize(1280, 860);
            page.screenshot(new Page.ScreenshotOptions().setPath(out.resolve("settings-desktop-" + scheme + ".png")));
            page.setViewportSize(390, 844);
            page.screenshot(new Page.ScreenshotOptions()
                    .setFullPage(true)
                    .setPath(out.resolve("settings-phone-" + scheme + ".png")));
        }
    }
}
