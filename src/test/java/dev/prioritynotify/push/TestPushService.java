package dev.prioritynotify.push;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.prioritynotify.webpush.SubscriptionKeys;
import dev.prioritynotify.webpush.WebPushTestDecryptor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A push service for tests, as a real HTTP server on 127.0.0.1: it checks each request's VAPID
 * header as a push service would (ES256 signature against the key in {@code k}, which must be
 * the server's key; {@code aud} = this origin; {@code exp} within 24 h; a mailto:/https:
 * {@code sub}), decrypts the body with the device's private key, records what arrived, and answers
 * what the test scripted: 201 by default, or 404, 410, 413, 429 with Retry-After, 500, slowly, or
 * by dropping the connection.
 */
public final class TestPushService implements AutoCloseable {
    /**
     * What a server needs to push to services like this one on loopback: a VAPID contact, plain
     * http, and 127.0.0.1 as an allowed push service. A mutable copy, for the test's own settings.
     */
    public static Map<String, String> serverSettings(Map<String, String> extra) {
        Map<String, String> settings = new java.util.HashMap<>();
        settings.put("VAPID_SUBJECT", "mailto:ops@example.com");
        settings.put("PUSH_ALLOW_INSECURE_ENDPOINTS", "true");
        settings.put("PUSH_ALLOWED_HOSTS", "127.0.0.1,localhost");
        settings.putAll(extra);
        return settings;
    }

    /** What one push request carried, after checking and decrypting. */
    public record Received(String deviceId, Map<String, String> headers, String plaintext, int answered, Instant at) {}

    /** A scripted answer. */
    record Answer(int status, Optional<String> retryAfter, Duration delay, boolean drop) {
        static Answer status(int status) {
            return new Answer(status, Optional.empty(), Duration.ZERO, false);
        }

        static Answer tooManyRequests(String retryAfter) {
            return new Answer(429, Optional.of(retryAfter), Duration.ZERO, false);
        }

        static Answer slow(Duration delay) {
            return new Answer(201, Optional.empty(), delay, false);
        }

        static Answer dropConnection() {
            return new Answer(0, Optional.empty(), Duration.ZERO, true);
        }
    }

    public final class Device {
        final String id = UUID.randomUUID().toString().replace("-", "");
        final WebPushTestDecryptor browser;
        final Deque<Answer> script = new ConcurrentLinkedDeque<>();

        Device() throws Exception {
            browser = WebPushTestDecryptor.generate();
        }

        public String endpoint() {
            return origin() + "/push/" + id;
        }

        /** The browser's {@code PushSubscription.toJSON()}. */
        public String subscriptionJson() {
            SubscriptionKeys keys = browser.subscriptionKeys();
            return "{\"endpoint\":\"" + endpoint() + "\",\"expirationTime\":null,\"keys\":{\"p256dh\":\""
                    + keys.p256dhBase64Url() + "\",\"auth\":\"" + keys.authBase64Url() + "\"}}";
        }

        void answer(Answer... answers) {
            script.addAll(List.of(answers));
        }

        public List<Received> received() {
            return TestPushService.this.received(r -> r.deviceId().equals(id));
        }
    }

    private HttpServer server;
    private final int port;
    private final Map<String, Device> devices = new ConcurrentHashMap<>();
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    /** Requests being handled right now (read, decrypted, answered slowly, …). */
    private final AtomicInteger inHand = new AtomicInteger();

    private final List<String> vapidErrors = Collections.synchronizedList(new ArrayList<>());
    private final String serverPublicKey;

    private TestPushService(String serverPublicKey, int port) throws IOException {
        this.serverPublicKey = serverPublicKey;
        server = listen(port);
        this.port = server.getAddress().getPort();
    }

    @SuppressWarnings("AddressSelection") // IPv4 loopback on purpose: endpoints are http://127.0.0.1:<port>/…
    private HttpServer listen(int port) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        s.createContext("/push/", this::handle);
        s.start();
        return s;
    }

    /** @param serverPublicKey the application server key the server under test publishes */
    public static TestPushService start(String serverPublicKey) throws IOException {
        return new TestPushService(serverPublicKey, 0);
    }

    /** On a fixed port (one the test reserved), so that it can go {@link #down()} and come {@link #up()} again. */
    static TestPushService start(String serverPublicKey, int port) throws IOException {
        return new TestPushService(serverPublicKey, port);
    }

    /** Stops listening: pushes to it fail with "connection refused" until {@link #up()}. Devices and what arrived are kept. */
    synchronized void down() {
        stop(server);
    }

    /** Listens again on the same port, for the same devices. */
    synchronized void up() throws IOException {
        server = listen(port);
    }

    String origin() {
        return "http://127.0.0.1:" + port;
    }

    public Device device() throws Exception {
        Device d = new Device();
        devices.put(d.id, d);
        return d;
    }

    List<String> vapidErrors() {
        return List.copyOf(vapidErrors);
    }

    List<Received> received(Predicate<Received> which) {
        synchronized (received) {
            return received.stream().filter(which).toList();
        }
    }

    List<Received> all() {
        return received(r -> true);
    }

    /** Waits until at least {@code count} requests have arrived (bounded), then returns them all. */
    List<Received> await(int count, Duration timeout) {
        try {
            Awaitility.await(count + " pushes")
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> received.size() >= count);
        } catch (ConditionTimeoutException e) {
            // The caller asserts on what did arrive, with its own message.
        }
        return all();
    }

    /**
     * Waits (bounded) until no request is being handled: one that its sender gave up on or that
     * a killed sender left behind has been recorded or dropped by now, and {@link #all()} is final
     * until the next request.
     */
    void awaitIdle(Duration timeout) {
        Awaitility.await("the push service has no request in hand")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> inHand.get() == 0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        inHand.incrementAndGet();
        try (exchange) {
            String id = exchange.getRequestURI().getPath().substring("/push/".length());
            byte[] body = exchange.getRequestBody().readAllBytes();
            Device device = devices.get(id);
            if (device == null || !"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            String vapidProblem = checkVapid(exchange.getRequestHeaders().getFirst("Authorization"));
            if (vapidProblem != null) {
                vapidErrors.add(vapidProblem);
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            Answer answer = Optional.ofNullable(device.script.poll()).orElse(Answer.status(201));
            String plaintext;
            try {
                plaintext = new String(device.browser.decrypt(body), java.nio.charset.StandardCharsets.UTF_8);
            } catch (Exception e) {
                plaintext = "<undecryptable: " + e.getMessage() + ">";
            }
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, v.getFirst()));
            headers.put("Content-Length", Integer.toString(body.length));
            if (!answer.delay().isZero()) {
                Thread.sleep(answer.delay().toMillis());
            }
            received.add(new Received(id, headers, plaintext, answer.drop() ? 0 : answer.status(), Instant.now()));
            if (answer.drop()) {
                // Close without an answer, as a crashing push service would.
                exchange.close();
                return;
            }
            answer.retryAfter().ifPresent(v -> exchange.getResponseHeaders().add("Retry-After", v));
            exchange.getResponseHeaders().add("Location", origin() + "/message/" + UUID.randomUUID());
            exchange.sendResponseHeaders(answer.status(), -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inHand.decrementAndGet();
        }
    }

    /** RFC 8292 §3: null when the header is valid, otherwise what is wrong with it. */
    private String checkVapid(String authorization) {
        try {
            if (authorization == null || !authorization.startsWith("vapid ")) {
                return "no vapid Authorization header";
            }
            String token = null;
            String key = null;
            for (String part : authorization.substring(6).split(",")) {
                String p = part.trim();
                if (p.startsWith("t=")) token = p.substring(2);
                if (p.startsWith("k=")) key = p.substring(2);
            }
            if (token == null || key == null) {
                return "t= or k= missing";
            }
            if (!key.equals(serverPublicKey)) {
                return "k is not the server's public key";
            }
            byte[] point = Base64.getUrlDecoder().decode(key);
            ECPublicKey publicKey = WebPushTestDecryptor.publicKeyOf(point);
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
                return "alg is not ES256";
            }
            if (!jwt.verify(new ECDSAVerifier(publicKey))) {
                return "signature does not verify";
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!claims.getAudience().equals(List.of(origin()))) {
                return "aud " + claims.getAudience() + " is not " + origin();
            }
            Instant exp = claims.getExpirationTime().toInstant();
            if (exp.isBefore(Instant.now()) || exp.isAfter(Instant.now().plus(Duration.ofHours(24)))) {
                return "exp " + exp + " not within 24 h";
            }
            String sub = claims.getSubject();
            if (sub == null || !(sub.startsWith("mailto:") || sub.startsWith("https:"))) {
                return "sub " + sub + " is not mailto: or https:";
            }
            return null;
        } catch (Exception e) {
            return "unreadable: " + e;
        }
    }

    @Override
    public synchronized void close() {
        stop(server);
    }

    private static void stop(HttpServer server) {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        try {
            ((java.util.concurrent.ExecutorService) server.getExecutor()).awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
