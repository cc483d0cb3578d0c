package dev.prioritynotify.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.TestServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Web Push through our own pages in a real browser: headless Firefox ESR, driven over WebDriver
 * BiDi, signs in, opens /settings and clicks Enable; our server stores the subscription, encrypts
 * a notification posted with a token and sends it through a local Mozilla-protocol push service;
 * Firefox decrypts it and our service worker shows it with our title and body. Disable then
 * unsubscribes in the browser and on the server: the old endpoint answers 410 and nothing is left.
 *
 * <p>Needs Debian's {@code firefox-esr} (test.sh installs it); fails, not skips, without it.
 * Firefox's output goes to {@code target/firefox-settings/firefox.log}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FirefoxSettingsPageTest {
    private static final Path LOG = Path.of("target", "firefox-settings", "firefox.log");
    private static final String PASSWORD = "a long enough password";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private TestServer server;
    private MozillaPushService pushService;
    private HeadlessFirefox firefox;
    private FirefoxBidi browser;

    @AfterEach
    void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
            if (firefox != null) {
                firefox.close();
            }
        } finally {
            if (pushService != null) {
                pushService.close();
            }
            if (server != null) {
                server.close();
            }
        }
    }

    private String origin() {
        return "http://127.0.0.1:" + server.app().port();
    }

    private String pushState() throws Exception {
        return browser.eval("document.getElementById('push-state')?.dataset.state ?? ''");
    }

    private void awaitValue(String what, Callable<String> value, String expected) {
        Awaitility.await(what)
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(value, expected::equals);
    }

    private JsonNode devices(String token) {
        return server.get("/api/push/subscriptions", token).json().get("items");
    }

    @Test
    void enableOnOurSettingsPageSubscribesForRealAndDisableLeavesNothingBehind() throws Exception {
        Path binary = HeadlessFirefox.find();
        if (binary == null) {
            fail(HeadlessFirefox.BINARY + " is not on PATH: this test drives a real Firefox. Install it with"
                    + " `apt-get install -y firefox-esr` (test.sh does so when it is missing).");
        }
        server =
                TestServer.start(Dialect.SQLITE, tmp, TestPushService.serverSettings(Map.of()), InstantSource.system());
        var ada = server.app().services().accounts().create("ada", false, Optional.of(PASSWORD.toCharArray()));
        String token = server.token(ada);
        pushService = new MozillaPushService();
        int bidiPort;
        try (ServerSocket free = new ServerSocket(0)) {
            bidiPort = free.getLocalPort();
        }
        firefox = HeadlessFirefox.launch(
                binary,
                pushService.webSocketUrl(),
                "about:blank",
                LOG,
                List.of("--remote-debugging-port", Integer.toString(bidiPort)));
        browser = FirefoxBidi.connect(bidiPort, Duration.ofSeconds(60));
        assertThat(pushService.awaitHello(60))
                .as("Firefox connected to the push service")
                .isTrue();

        // Sign in through the form, starting from the settings page.
        browser.navigate(origin() + "/settings");
        assertThat(browser.eval("location.pathname")).isEqualTo("/login");
        browser.eval(
                "document.getElementById('username').value = 'ada';"
                        + "document.getElementById('password').value = " + json(PASSWORD) + ";"
                        + "document.querySelector('button[type=submit]').click(); true",
                true);
        awaitValue("back on /settings", () -> browser.eval("location.pathname"), "/settings");
        Awaitility.await("the page knows this browser's state")
                .atMost(WAIT)
                .ignoreExceptions()
                .until(this::pushState, s -> s.equals("default") || s.equals("granted"));

        // Enable, with this device's name and minimum priority.
        browser.eval(
                "document.getElementById('device-name').value = 'Firefox ESR';"
                        + "document.getElementById('min-priority').value = 'medium';"
                        + "document.getElementById('enable').click(); true",
                true);
        awaitValue("subscribed", this::pushState, "subscribed");
        JsonNode stored = devices(token);
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).path("device_name").asText()).isEqualTo("Firefox ESR");
        assertThat(stored.get(0).path("min_priority").asText()).isEqualTo("medium");
        String endpoint = browser.eval(
                "navigator.serviceWorker.ready.then(r => r.pushManager.getSubscription()).then(s => s.endpoint)");
        assertThat(endpoint).startsWith("http://127.0.0.1:" + pushService.port() + "/push/");
        awaitValue(
                "this browser marked in the list",
                () -> browser.eval("document.querySelector('#device-list .device-this')?.textContent ?? ''"),
                "This browser");

        // Renamed and set to high and above with Save: the same subscription, updated on the server.
        browser.eval(
                "document.getElementById('device-name').value = 'Firefox on the desk';"
                        + "document.getElementById('min-priority').value = 'high';"
                        + "document.getElementById('save').click(); true",
                true);
        awaitValue(
                "the new name on the server",
                () -> devices(token).get(0).path("device_name").asText() + " "
                        + devices(token).get(0).path("min_priority").asText(),
                "Firefox on the desk high");
        assertThat(devices(token)).hasSize(1);

        // A notification posted with a token: encrypted, sent, decrypted, shown by our worker.
        TestServer.Response created = server.post(
                "/api/notifications/",
                token,
                "{\"title\":\"Disk full\",\"message\":\"web-01 at 95%\",\"priority\":\"high\",\"tag\":\"disk\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        MozillaPushService.Push push = pushService.nextPush(30);
        assertThat(push)
                .as("a push our server sent; refused: " + pushService.problems())
                .isNotNull();
        MozillaPushService.Ack ack = pushService.nextAck(30);
        assertThat(ack).as("Firefox acknowledged the push").isNotNull();
        assertThat(ack.code()).as("Firefox's ack (100 decrypted)").isEqualTo(100);
        awaitValue(
                "the notification our service worker shows",
                () -> browser.eval("navigator.serviceWorker.ready.then(r => r.getNotifications())"
                        + ".then(ns => JSON.stringify(ns.map(n => [n.title, n.body, n.tag])))"),
                "[[\"Disk full\",\"web-01 at 95%\",\"disk\"]]");
        // Below the device's minimum priority: not pushed at all.
        server.post("/api/notifications/", token, "{\"title\":\"Backup done\",\"priority\":\"medium\"}");

        // Disable: unsubscribed in the browser and on the server.
        browser.eval("document.getElementById('disable').click(); true", true);
        awaitValue("unsubscribed", this::pushState, "granted");
        assertThat(
                        browser.eval(
                                "navigator.serviceWorker.ready.then(r => r.pushManager.getSubscription()).then(s => String(s))"))
                .isEqualTo("null");
        assertThat(devices(token)).isEmpty();
        HttpResponse<String> old = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(endpoint))
                                .header("TTL", "60")
                                .POST(HttpRequest.BodyPublishers.ofString("x"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(old.statusCode()).as("a push to the old endpoint").isEqualTo(410);
        assertThat(pushService.nextPush(1))
                .as("the medium one was not pushed to a device that takes high and above")
                .isNull();
        assertThat(pushService.problems()).isEmpty();
        assertThat(browser.problems())
                .as("console errors, uncaught exceptions and CSP violations in Firefox")
                .isEmpty();
    }

    private static String json(String s) {
        return TestServer.mapper().valueToTree(s).toString();
    }
}
