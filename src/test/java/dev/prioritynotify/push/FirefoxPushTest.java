package dev.prioritynotify.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through a real browser: our server encrypts a notification (RFC 8291) and signs the
 * request (VAPID, RFC 8292); a local Mozilla-protocol push service checks the request like a real
 * one and forwards it; headless Firefox decrypts it and its service worker reports the plaintext.
 * A ciphertext altered on the way must be refused by Firefox.
 *
 * <p>Needs Debian's {@code firefox-esr} (test.sh installs it); fails, not skips, without it. Runs on
 * 127.0.0.1 only. Firefox's output goes to {@code target/firefox-push/firefox.log}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FirefoxPushTest {
    private static final ObjectMapper MAPPER = TestServer.mapper();
    private static final Path LOG = Path.of("target", "firefox-push", "firefox.log");

    @TempDir
    Path tmp;

    private TestServer server;
    private MozillaPushService pushService;
    private HttpServer pages;
    private HeadlessFirefox firefox;

    private final CompletableFuture<String> subscription = new CompletableFuture<>();
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    @SuppressWarnings("JdkObsolete") // appended to by the page server's threads while the test reads it
    private final StringBuffer pageLog = new StringBuffer();

    @AfterEach
    void stop() throws Exception {
        try {
            if (firefox != null) {
                firefox.close();
            }
        } finally {
            if (pages != null) {
                pages.stop(0);
            }
            if (pushService != null) {
                pushService.close();
            }
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void firefoxDecryptsOurPushAndRefusesATamperedOne() throws Exception {
        Path binary = HeadlessFirefox.find();
        if (binary == null) {
            fail(HeadlessFirefox.BINARY + " is not on PATH: this test drives a real Firefox. Install it with"
                    + " `apt-get install -y firefox-esr` (test.sh does so when it is missing).");
        }
        server =
                TestServer.start(Dialect.SQLITE, tmp, TestPushService.serverSettings(Map.of()), InstantSource.system());
        String token = server.newUserToken("alice");
        TestServer.Response key = server.get("/api/push/vapid-key", null);
        assertThat(key.status()).as(key.body()).isEqualTo(200);
        String vapidKey = key.json().path("publicKey").asText();

        pushService = new MozillaPushService();
        pages = startPageServer(vapidKey);
        firefox = HeadlessFirefox.launch(
                binary,
                pushService.webSocketUrl(),
                "http://127.0.0.1:" + pages.getAddress().getPort() + "/",
                LOG);

        // Firefox starts, connects to the push service, the page subscribes.
        String subscriptionJson = awaitSubscription(60);
        JsonNode sub = MAPPER.readTree(subscriptionJson);
        assertThat(sub.path("endpoint").asText()).startsWith("http://127.0.0.1:" + pushService.port() + "/push/");

        TestServer.Response subscribed = server.post("/api/push/subscribe", token, subscriptionJson);
        assertThat(subscribed.status()).as(subscribed.body()).isEqualTo(201);

        // 1. A notification arrives in the service worker exactly as our server built it.
        TestServer.Response created = server.post(
                "/api/notifications/",
                token,
                "{\"title\":\"Disk full\",\"message\":\"web-01 at 95%\",\"priority\":\"high\","
                        + "\"source\":\"monitoring\",\"tag\":\"disk\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asText();

        MozillaPushService.Push push = awaitPush();
        assertThat(push.headers())
                .containsEntry("Content-Encoding", "aes128gcm")
                .containsEntry("Urgency", "high")
                .containsEntry("Topic", "disk")
                .containsKey("TTL");
        MozillaPushService.Ack ack = awaitAck();
        assertThat(ack.version()).isEqualTo(push.version());
        assertThat(ack.code())
                .as("Firefox's ack (100 decrypted, 101 could not decrypt)")
                .isEqualTo(100);
        String payload = received.poll(30, TimeUnit.SECONDS);
        assertThat(payload).as("payload reported by the service worker").isNotNull();
        String expected = "{\"title\":\"Disk full\",\"body\":\"web-01 at 95%\",\"icon\":\"/static/icon-192.png\","
                + "\"badge\":\"/static/badge-72.png\",\"tag\":\"disk\",\"data\":{\"url\":\"/notifications/" + id
                + "\",\"notification_id\":\"" + id + "\",\"priority\":\"high\",\"source\":\"monitoring\","
                + "\"read_token\":\"" + PushApiTest.readTokenOf(payload) + "\"}}";
        assertThat(payload).isEqualTo(expected);

        // 2. One flipped ciphertext byte: Firefox refuses the message and the worker sees nothing.
        pushService.tamperWithNextMessage();
        TestServer.Response second = server.post(
                "/api/notifications/",
                token,
                "{\"title\":\"Disk still full\",\"message\":\"web-01 at 99%\",\"priority\":\"high\"}");
        assertThat(second.status()).as(second.body()).isEqualTo(201);
        MozillaPushService.Push tampered = awaitPush();
        MozillaPushService.Ack refused = awaitAck();
        assertThat(refused.version()).isEqualTo(tampered.version());
        assertThat(refused.code()).as("Firefox's ack for an altered ciphertext").isEqualTo(101);
        assertThat(received.poll(2, TimeUnit.SECONDS))
                .as("payload reported for the altered message")
                .isNull();
        assertThat(pushService.problems()).isEmpty();
    }

    private String awaitSubscription(long seconds) throws Exception {
        try {
            return subscription.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no push subscription from Firefox within " + seconds + " s (push connection "
                    + (pushService.helloSeen() ? "said hello" : "never said hello") + "; Firefox "
                    + (firefox.alive() ? "running" : "exited") + "; page log:\n" + pageLog + "\nsee "
                    + LOG.toAbsolutePath()
                    + ")");
        }
    }

    private MozillaPushService.Push awaitPush() throws InterruptedException {
        MozillaPushService.Push push = pushService.nextPush(30);
        if (push == null) {
            throw new AssertionError("our server sent nothing the push service accepted within 30 s; refused: "
                    + pushService.problems());
        }
        return push;
    }

    private MozillaPushService.Ack awaitAck() throws InterruptedException {
        MozillaPushService.Ack ack = pushService.nextAck(30);
        if (ack == null) {
            throw new AssertionError("Firefox did not acknowledge the message within 30 s; page log:\n" + pageLog
                    + "\nsee " + LOG.toAbsolutePath());
        }
        return ack;
    }

    /** The test page and service worker on their own origin, and where they report back. */
    @SuppressWarnings("AddressSelection") // IPv4 loopback on purpose: the page's origin is http://127.0.0.1
    private HttpServer startPageServer(String vapidKey) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String page = resource("index.html").replace("__VAPID_PUBLIC_KEY__", vapidKey);
        String worker = resource("sw.js");
        http.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            switch (method + " " + path) {
                case "GET /" -> respond(exchange, 200, "text/html; charset=utf-8", page);
                case "GET /sw.js" -> respond(exchange, 200, "text/javascript; charset=utf-8", worker);
                case "GET /ready" -> respond(exchange, pushService.helloSeen() ? 204 : 503, "text/plain", "");
                case "POST /subscription" -> {
                    subscription.complete(body(exchange));
                    respond(exchange, 204, "text/plain", "");
                }
                case "POST /received" -> {
                    received.add(body(exchange));
                    respond(exchange, 204, "text/plain", "");
                }
                case "POST /log" -> {
                    pageLog.append(body(exchange)).append('\n');
                    respond(exchange, 204, "text/plain", "");
                }
                default -> respond(exchange, 404, "text/plain", "not found");
            }
        });
        http.start();
        return http;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = FirefoxPushTest.class.getResourceAsStream("/firefox-push/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource firefox-push/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }
}
