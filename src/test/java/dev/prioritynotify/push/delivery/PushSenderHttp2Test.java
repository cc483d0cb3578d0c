package dev.prioritynotify.push.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prioritynotify.config.Config;
import dev.prioritynotify.config.Settings;
import dev.prioritynotify.notification.Priority;
import dev.prioritynotify.push.subscription.EndpointPolicy;
import dev.prioritynotify.push.subscription.PushSubscription;
import dev.prioritynotify.support.MutableClock;
import dev.prioritynotify.webpush.CryptoProviders;
import dev.prioritynotify.webpush.VapidKeys;
import dev.prioritynotify.webpush.VapidSigner;
import dev.prioritynotify.webpush.WebPushEncryption;
import dev.prioritynotify.webpush.WebPushTestDecryptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sender as it meets real push services: over TLS, with HTTP/2 negotiated by ALPN. A Jetty
 * push service on 127.0.0.1 with a self-signed certificate records the protocol, headers and
 * connection of every request and decrypts its body.
 */
class PushSenderHttp2Test {
    @TempDir
    static Path keys;

    static Path keystore;

    MutableClock clock = MutableClock.atNow();
    Server pushService;
    final AtomicInteger connections = new AtomicInteger();
    final ConcurrentLinkedQueue<Arrived> arrived = new ConcurrentLinkedQueue<>();
    final Map<String, WebPushTestDecryptor> browsers = new ConcurrentHashMap<>();
    PushSender sender;
    /** Requests to {@code /push/held/...} are answered only once this opens. */
    final java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);

    /** One request as the push service saw it. */
    record Arrived(
            String path,
            String protocol,
            String authorization,
            String ttl,
            String urgency,
            String topic,
            String contentEncoding,
            String plaintext) {}

    @BeforeAll
    static void certificate() throws Exception {
        keystore = keys.resolve("push-service.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "push",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=127.0.0.1",
                        "-ext",
                        "SAN=ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
    }

    @AfterEach
    void stop() throws Exception {
        if (sender != null) {
            sender.close();
        }
        if (pushService != null) {
            pushService.stop();
        }
    }

    /** A push service offering the given ALPN protocols; the path's last segment names the answer ("201", "410", ...). */
    private String startPushService(String... protocols) throws Exception {
        pushService = new Server();
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(keystore.toString());
        tls.setKeyStorePassword("changeit");
        tls.setKeyStoreType("PKCS12");
        HttpConfiguration http = new HttpConfiguration();
        http.addCustomizer(new SecureRequestCustomizer(false));
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory(protocols);
        alpn.setDefaultProtocol("http/1.1");
        List<ConnectionFactory> factories =
                new ArrayList<>(List.of(new SslConnectionFactory(tls, alpn.getProtocol()), alpn));
        if (List.of(protocols).contains("h2")) {
            factories.add(new HTTP2ServerConnectionFactory(http));
        }
        factories.add(new HttpConnectionFactory(http));
        ServerConnector connector = new ServerConnector(pushService, factories.toArray(ConnectionFactory[]::new));
        connector.setHost("127.0.0.1");
        connector.addEventListener(new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                if (connection instanceof org.eclipse.jetty.io.ssl.SslConnection) {
                    connections.incrementAndGet();
                }
            }
        });
        pushService.addConnector(connector);
        pushService.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String path = request.getHttpURI().getPath();
                java.nio.ByteBuffer buffer = Content.Source.asByteBuffer(request);
                byte[] body = new byte[buffer.remaining()];
                buffer.get(body);
                String device = path.substring(path.lastIndexOf('/') + 1);
                String plaintext = new String(browsers.get(device).decrypt(body), StandardCharsets.UTF_8);
                arrived.add(new Arrived(
                        path,
                        request.getConnectionMetaData().getProtocol(),
                        request.getHeaders().get(HttpHeader.AUTHORIZATION),
                        request.getHeaders().get("TTL"),
                        request.getHeaders().get("Urgency"),
                        request.getHeaders().get("Topic"),
                        request.getHeaders().get(HttpHeader.CONTENT_ENCODING),
                        plaintext));
                String[] segments = path.split("/");
                if (segments[2].equals("held")) {
                    held.await(10, TimeUnit.SECONDS);
                    segments[2] = "201";
                }
                int status = Integer.parseInt(segments[2]);
                response.setStatus(status);
                if (status == 429) {
                    response.getHeaders().put(HttpHeader.RETRY_AFTER, "7");
                }
                if (status == 401) {
                    Content.Sink.write(response, true, "{\"reason\": \"VAPID key mismatch\"}", callback);
                    return true;
                }
                if (status == 400) {
                    Content.Sink.write(response, true, "x".repeat(100_000), callback);
                    return true;
                }
                callback.succeeded();
                return true;
            }
        });
        pushService.start();
        return "https://127.0.0.1:" + connector.getLocalPort();
    }

    private PushSender sender(SslContextFactory.Client tls) {
        Config.Push config = Config.from(Settings.of(Map.of())).push();
        VapidSigner signer =
                new VapidSigner(VapidKeys.generate(), "mailto:ops@example.com", CryptoProviders.jdk(), clock);
        return new PushSender(
                new WebPushEncryption(CryptoProviders.jdk()),
                signer,
                new EndpointPolicy(List.of("127.0.0.1"), true),
                config,
                clock,
                tls);
    }

    private static SslContextFactory.Client trusting(Path keystore) {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setTrustStorePath(keystore.toString());
        tls.setTrustStorePassword("changeit");
        tls.setTrustStoreType("PKCS12");
        return tls;
    }

    private PushSubscription device(String origin, int answer) throws Exception {
        return device(origin, Integer.toString(answer));
    }

    /** A subscription at {@code origin/push/<answer>/<device>}, whose browser keys the push service knows. */
    private PushSubscription device(String origin, String answer) throws Exception {
        WebPushTestDecryptor browser = WebPushTestDecryptor.generate();
        String id = "d" + browsers.size();
        browsers.put(id, browser);
        Instant now = clock.instant();
        return new PushSubscription(
                java.util.UUID.randomUUID(),
                java.util.UUID.randomUUID(),
                origin + "/push/" + answer + "/" + id,
                browser.subscriptionKeys(),
                null,
                null,
                Priority.LOW,
                now,
                now,
                null,
                null,
                0);
    }

    private static PushSender.Message message(String text) {
        return new PushSender.Message(text.getBytes(StandardCharsets.UTF_8), Priority.HIGH, Optional.of("disk space"));
    }

    @Test
    void pushesTravelOverHttp2MultiplexedOnOneConnectionAndDecrypt() throws Exception {
        String origin = startPushService("h2", "http/1.1");
        sender = sender(trusting(keystore));
        List<CompletableFuture<SendResult>> results = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            results.add(sender.send(device(origin, 201), message("{\"title\":\"push " + i + "\"}")));
        }
        for (CompletableFuture<SendResult> r : results) {
            assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo(new SendResult.Delivered(201));
        }
        assertThat(arrived).hasSize(40).allSatisfy(a -> {
            assertThat(a.protocol()).isEqualTo("HTTP/2.0");
            assertThat(a.authorization()).startsWith("vapid t=").contains(", k=");
            assertThat(a.ttl()).isEqualTo("86400");
            assertThat(a.urgency()).isEqualTo("high");
            assertThat(a.contentEncoding()).isEqualTo("aes128gcm");
            assertThat(a.topic()).isEqualTo(PushSender.topic("disk space"));
        });
        assertThat(arrived.stream().map(Arrived::plaintext).toList())
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 40)
                        .mapToObj(i -> "{\"title\":\"push " + i + "\"}")
                        .toList());
        assertThat(connections.get())
                .as("TLS connections opened to the push service")
                .isEqualTo(1);
    }

    @Test
    void aSlowFirstAnswerDoesNotHoldBackTheBurstBehindIt() throws Exception {
        String origin = startPushService("h2", "http/1.1");
        sender = sender(trusting(keystore));
        CompletableFuture<SendResult> first = sender.send(device(origin, "held"), message("{}"));
        List<CompletableFuture<SendResult>> others = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            others.add(sender.send(device(origin, 201), message("{}")));
        }
        for (CompletableFuture<SendResult> r : others) {
            assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo(new SendResult.Delivered(201));
        }
        assertThat(first).as("still waiting for its answer").isNotDone();
        held.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(new SendResult.Delivered(201));
        assertThat(connections.get()).isEqualTo(1);
    }

    @Test
    void answersOverHttp2AreClassifiedWithTheirHeadersAndReasons() throws Exception {
        String origin = startPushService("h2", "http/1.1");
        sender = sender(trusting(keystore));
        assertThat(sender.send(device(origin, 410), message("{}")).get(10, TimeUnit.SECONDS))
                .isEqualTo(new SendResult.Gone(410));
        assertThat(sender.send(device(origin, 429), message("{}")).get(10, TimeUnit.SECONDS))
                .isEqualTo(new SendResult.RetryAfter(Duration.ofSeconds(7)));
        assertThat(sender.send(device(origin, 503), message("{}")).get(10, TimeUnit.SECONDS))
                .isInstanceOf(SendResult.Retryable.class);
        assertThat(sender.send(device(origin, 401), message("{}")).get(10, TimeUnit.SECONDS))
                .isEqualTo(new SendResult.Rejected(
                        401, "push service answered 401: {\"reason\": \"VAPID key mismatch\"}"));
    }

    @Test
    void aPushServiceWithoutHttp2IsSpokenToInHttp11() throws Exception {
        String origin = startPushService("http/1.1");
        sender = sender(trusting(keystore));
        assertThat(sender.send(device(origin, 201), message("{\"title\":\"old school\"}"))
                        .get(10, TimeUnit.SECONDS))
                .isEqualTo(new SendResult.Delivered(201));
        assertThat(arrived).singleElement().satisfies(a -> {
            assertThat(a.protocol()).isEqualTo("HTTP/1.1");
            assertThat(a.plaintext()).isEqualTo("{\"title\":\"old school\"}");
        });
    }

    @Test
    void aCertificateNotTrustedByTheJdkFailsThePushWithoutSendingIt() throws Exception {
        String origin = startPushService("h2", "http/1.1");
        sender = sender(new SslContextFactory.Client());
        SendResult result = sender.send(device(origin, 201), message("{\"title\":\"secret\"}"))
                .get(10, TimeUnit.SECONDS);
        assertThat(result).isInstanceOf(SendResult.Retryable.class);
        assertThat(((SendResult.Retryable) result).reason()).contains("SSLHandshakeException");
        assertThat(arrived).isEmpty();
    }

    @Test
    void aLongErrorAnswerIsReadToTheEndButOnlyItsStartKeptAsTheReason() throws Exception {
        String origin = startPushService("h2", "http/1.1");
        sender = sender(trusting(keystore));
        assertThat(sender.send(device(origin, 400), message("{}")).get(10, TimeUnit.SECONDS))
                .isEqualTo(new SendResult.Rejected(400, "push service answered 400: " + "x".repeat(200) + "…"));
        // The connection is still usable: the rest of the body was consumed, not left in the stream.
        assertThat(sender.send(device(origin, 201), message("{}")).get(10, TimeUnit.SECONDS))
                .isEqualTo(new SendResult.Delivered(201));
    }
}
