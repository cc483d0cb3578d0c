package dev.prioritynotify.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A small stand-in for Mozilla's push service (autopush): the WebSocket protocol Firefox speaks to
 * {@code dom.push.serverURL} (subprotocol {@code push-notification}: hello, register, unregister,
 * ping, notification, ack) and the HTTP push resource an application server POSTs to. A POST is
 * checked the way a real push service checks it — a VAPID header whose ES256 JWT verifies with the
 * key the channel was registered with, {@code aud} the endpoint's origin, {@code exp} at most a day
 * ahead, a {@code mailto:}/{@code https:} {@code sub}, an {@code aes128gcm} body — then answered
 * 201 and forwarded to Firefox. Firefox's acks (100 decrypted, 101 could not decrypt) are recorded.
 */
public final class MozillaPushService implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A POST the service accepted, as it arrived. */
    record Push(String channelId, String version, byte[] body, Map<String, String> headers) {}

    /** One entry of a Firefox ack. */
    record Ack(String channelId, String version, int code) {}

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final CountDownLatch hello = new CountDownLatch(1);
    private final Map<String, String> channelKeys = new ConcurrentHashMap<>();
    /** Channels Firefox unregistered: their endpoints answer 410, as autopush does for an unsubscribed one. */
    private final java.util.Set<String> unsubscribed = ConcurrentHashMap.newKeySet();

    private final BlockingQueue<Push> pushes = new LinkedBlockingQueue<>();
    private final BlockingQueue<Ack> acks = new LinkedBlockingQueue<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final AtomicBoolean tamperNext = new AtomicBoolean();
    private final AtomicLong versions = new AtomicLong();
    private volatile Session firefox;
    private final String uaid = HexFormat.of().formatHex(uuidBytes());

    MozillaPushService() throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, container -> {
            container.setIdleTimeout(java.time.Duration.ofMinutes(5));
            container.addMapping("/", (request, response, callback) -> {
                if (request.getSubProtocols().contains("push-notification")) {
                    response.setAcceptedSubProtocol("push-notification");
                }
                return new Connection();
            });
        });
        ws.setHandler(new PushResource());
        server.setHandler(ws);
        server.start();
    }

    int port() {
        return connector.getLocalPort();
    }

    /** What Firefox's {@code dom.push.serverURL} points at. */
    String webSocketUrl() {
        return "ws://127.0.0.1:" + port() + "/";
    }

    boolean awaitHello(long seconds) throws InterruptedException {
        return hello.await(seconds, TimeUnit.SECONDS);
    }

    boolean helloSeen() {
        return hello.getCount() == 0;
    }

    /** The next accepted POST, or null after the timeout. */
    Push nextPush(long seconds) throws InterruptedException {
        return pushes.poll(seconds, TimeUnit.SECONDS);
    }

    /** The next ack entry from Firefox, or null after the timeout. */
    Ack nextAck(long seconds) throws InterruptedException {
        return acks.poll(seconds, TimeUnit.SECONDS);
    }

    /** Requests the service refused or messages it could not make sense of. */
    List<String> problems() {
        return List.copyOf(problems);
    }

    /** Flips one byte of the ciphertext of the next message before it reaches Firefox. */
    void tamperWithNextMessage() {
        tamperNext.set(true);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private static byte[] uuidBytes() {
        UUID u = UUID.randomUUID();
        return ByteBuffer.allocate(16)
                .putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits())
                .array();
    }

    private static String normaliseKey(String key) {
        // Firefox sends the application server key in padded base64url; the VAPID k= is unpadded.
        return key.strip().replace("=", "").replace('+', '-').replace('/', '_');
    }

    private void send(Session session, ObjectNode message) {
        session.sendText(message.toString(), org.eclipse.jetty.websocket.api.Callback.NOOP);
    }

    /** One WebSocket connection from Firefox. */
    public final class Connection implements Session.Listener.AutoDemanding {
        private Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String text) {
            JsonNode message;
            try {
                message = MAPPER.readTree(text);
            } catch (IOException e) {
                problems.add("not JSON from Firefox: " + text);
                return;
            }
            String type = message.path("messageType").asText("");
            ObjectNode reply = MAPPER.createObjectNode();
            switch (type) {
                case "hello" -> {
                    reply.put("messageType", "hello")
                            .put("uaid", uaid)
                            .put("status", 200)
                            .put("use_webpush", true);
                    firefox = session;
                    send(session, reply);
                    hello.countDown();
                }
                case "register" -> {
                    String channelId = message.path("channelID").asText();
                    String key = message.path("key").asText("");
                    if (key.isEmpty()) {
                        problems.add("register without an application server key: " + text);
                    }
                    channelKeys.put(channelId, normaliseKey(key));
                    reply.put("messageType", "register")
                            .put("channelID", channelId)
                            .put("status", 200)
                            .put("uaid", uaid)
                            .put("pushEndpoint", "http://127.0.0.1:" + port() + "/push/" + channelId);
                    send(session, reply);
                }
                case "unregister" -> {
                    String channelId = message.path("channelID").asText();
                    channelKeys.remove(channelId);
                    unsubscribed.add(channelId);
                    reply.put("messageType", "unregister")
                            .put("channelID", channelId)
                            .put("status", 200);
                    send(session, reply);
                }
                case "ack" -> {
                    for (JsonNode update : message.path("updates")) {
                        acks.add(new Ack(
                                update.path("channelID").asText(),
                                update.path("version").asText(),
                                update.path("code").asInt(-1)));
                    }
                }
                case "" -> {
                    if (message.isObject() && message.isEmpty()) {
                        send(session, reply); // ping: {} answers {}
                    }
                }
                default -> {} // nack, broadcast_subscribe, …: not needed here
            }
        }
    }

    /** The push resources: {@code POST /push/<channelID>}. */
    private final class PushResource extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            if (!path.startsWith("/push/")) {
                return false;
            }
            if (!"POST".equals(request.getMethod())) {
                return answer(response, callback, 405, "POST only");
            }
            String channelId = path.substring("/push/".length());
            String key = channelKeys.get(channelId);
            if (key == null && unsubscribed.contains(channelId)) {
                return answer(response, callback, 410, "unsubscribed");
            }
            if (key == null) {
                return answer(response, callback, 404, "no such subscription");
            }
            ByteBuffer buffer = Content.Source.asByteBuffer(request);
            byte[] body = new byte[buffer.remaining()];
            buffer.get(body);
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            request.getHeaders().forEach(f -> headers.put(f.getName(), f.getValue()));

            String origin = "http://127.0.0.1:" + port();
            String refusal = vapidProblem(headers.get("Authorization"), key, origin);
            if (refusal == null && !"aes128gcm".equalsIgnoreCase(headers.getOrDefault("Content-Encoding", ""))) {
                refusal = "Content-Encoding must be aes128gcm, was " + headers.get("Content-Encoding");
            }
            if (refusal == null && headers.get("TTL") == null) {
                refusal = "TTL header missing (RFC 8030 §5.2)";
            }
            if (refusal == null && body.length == 0) {
                refusal = "empty body";
            }
            if (refusal != null) {
                problems.add(channelId + ": " + refusal);
                return answer(response, callback, refusal.startsWith("VAPID") ? 401 : 400, refusal);
            }
            Session session = firefox;
            if (session == null || !session.isOpen()) {
                problems.add(channelId + ": Firefox not connected");
                return answer(response, callback, 503, "Firefox not connected");
            }
            String version = Long.toString(versions.incrementAndGet());
            byte[] forwarded = body;
            if (tamperNext.getAndSet(false)) {
                forwarded = Arrays.copyOf(body, body.length);
                forwarded[forwarded.length - 1] ^= 0x01; // inside the last record's ciphertext/tag
            }
            pushes.add(new Push(channelId, version, body, headers));
            ObjectNode notification = MAPPER.createObjectNode();
            notification
                    .put("messageType", "notification")
                    .put("channelID", channelId)
                    .put("version", version)
                    .put("data", Base64.getUrlEncoder().withoutPadding().encodeToString(forwarded));
            notification.putObject("headers").put("encoding", "aes128gcm");
            send(session, notification);
            response.getHeaders().put(HttpHeader.LOCATION, origin + "/message/" + version);
            return answer(response, callback, 201, "");
        }

        private boolean answer(Response response, Callback callback, int status, String text) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.write(true, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }

    /** RFC 8292 checks; null when the header is acceptable. */
    static String vapidProblem(String authorization, String registeredKey, String origin) {
        if (authorization == null || !authorization.regionMatches(true, 0, "vapid ", 0, 6)) {
            return "VAPID: Authorization must use the vapid scheme, was " + authorization;
        }
        String token = null;
        String k = null;
        for (String part : authorization.substring(6).split(",")) {
            String p = part.strip();
            if (p.startsWith("t=")) {
                token = p.substring(2);
            } else if (p.startsWith("k=")) {
                k = p.substring(2);
            }
        }
        if (token == null || k == null) {
            return "VAPID: t= and k= are both required";
        }
        if (!normaliseKey(k).equals(normaliseKey(registeredKey))) {
            return "VAPID: k= is not the key the subscription was made with";
        }
        try {
            byte[] point = Base64.getUrlDecoder().decode(normaliseKey(k));
            if (point.length != 65 || point[0] != 4) {
                return "VAPID: k= is not an uncompressed P-256 point";
            }
            ECKey publicKey = new ECKey.Builder(
                            Curve.P_256,
                            Base64URL.encode(Arrays.copyOfRange(point, 1, 33)),
                            Base64URL.encode(Arrays.copyOfRange(point, 33, 65)))
                    .build();
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
                return "VAPID: JWT must be ES256, was " + jwt.getHeader().getAlgorithm();
            }
            if (!jwt.verify(new ECDSAVerifier(publicKey))) {
                return "VAPID: JWT signature does not verify with k=";
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!List.of(origin).equals(claims.getAudience())) {
                return "VAPID: aud must be " + origin + ", was " + claims.getAudience();
            }
            if (claims.getExpirationTime() == null) {
                return "VAPID: exp missing";
            }
            Instant exp = claims.getExpirationTime().toInstant();
            Instant now = Instant.now();
            if (!exp.isAfter(now) || exp.isAfter(now.plusSeconds(24 * 3600))) {
                return "VAPID: exp must lie in the next 24 hours, was " + exp;
            }
            String sub = claims.getSubject();
            if (sub == null || !(sub.startsWith("mailto:") || sub.startsWith("https:"))) {
                return "VAPID: sub must be a mailto: or https: URI, was " + sub;
            }
            URI.create(sub);
        } catch (Exception e) {
            return "VAPID: " + e;
        }
        return null;
    }

    /** Channels registered so far. */
    List<String> channels() {
        return new ArrayList<>(channelKeys.keySet());
    }
}
