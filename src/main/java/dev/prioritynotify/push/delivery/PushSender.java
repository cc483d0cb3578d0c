package dev.prioritynotify.push.delivery;

import dev.prioritynotify.config.Config;
import dev.prioritynotify.notification.Priority;
import dev.prioritynotify.push.subscription.EndpointPolicy;
import dev.prioritynotify.push.subscription.PushSubscription;
import dev.prioritynotify.webpush.Endpoints;
import dev.prioritynotify.webpush.VapidSigner;
import dev.prioritynotify.webpush.WebPushEncryption;
import java.net.ConnectException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Sends one encrypted message to one subscription (RFC 8030 §5) and says what happened.
 *
 * <p>One long-lived asynchronous client (Jetty's) keeps connections to each push service open
 * across messages: HTTP/2, negotiated by ALPN, multiplexes a push service's requests over one
 * connection, and HTTP/1.1 is the fallback for a service that does not offer it. Nothing waits
 * for an answer: {@link #send} returns at once and its future completes when the push service has
 * answered. Plain {@code http://} endpoints (tests and labs only) are spoken to in HTTP/1.1.
 */
public final class PushSender implements AutoCloseable {
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofMinutes(1);
    /** Enough of an error answer's body to say why; the rest is read and dropped. */
    private static final int REASON_BYTES = 512;

    private final HttpClient client;
    private final WebPushEncryption encryption;
    private final VapidSigner signer;
    private final EndpointPolicy policy;
    private final Config.Push config;
    private final InstantSource clock;
    /** Push services whose first connection is being opened, and what waits for it (see {@link #dispatch}). */
    private final ConcurrentHashMap<String, CompletableFuture<Void>> connecting = new ConcurrentHashMap<>();

    public PushSender(
            WebPushEncryption encryption,
            VapidSigner signer,
            EndpointPolicy policy,
            Config.Push config,
            InstantSource clock) {
        // Certificates are verified against the JDK's trust store, host names included.
        this(encryption, signer, policy, config, clock, new SslContextFactory.Client());
    }

    /** With the given TLS settings (tests trust their own push service's certificate this way). */
    PushSender(
            WebPushEncryption encryption,
            VapidSigner signer,
            EndpointPolicy policy,
            Config.Push config,
            InstantSource clock,
            SslContextFactory.Client tls) {
        this.client = startClient(config.requestTimeout(), tls);
        this.encryption = encryption;
        this.signer = signer;
        this.policy = policy;
        this.config = config;
        this.clock = clock;
    }

    private static HttpClient startClient(Duration requestTimeout, SslContextFactory.Client tls) {
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        connector.setConnectTimeout(Duration.ofSeconds(10));
        QueuedThreadPool threads = new QueuedThreadPool(64, 2);
        threads.setName("push-client");
        threads.setDaemon(true);
        connector.setExecutor(threads);
        HttpClientTransportDynamic transport = new HttpClientTransportDynamic(
                connector,
                new ClientConnectionFactoryOverHTTP2.HTTP2(new HTTP2Client(connector)),
                HttpClientConnectionFactory.HTTP11);
        HttpClient client = new HttpClient(transport);
        client.setExecutor(threads);
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setUserAgentField(null);
        // Connections stay open between bursts of pushes; a push service closes idle ones itself.
        client.setIdleTimeout(Math.max(Duration.ofMinutes(2).toMillis(), requestTimeout.toMillis() * 2));
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the push HTTP client", e);
        }
        // Installed by start(): a 401 would otherwise be taken for an authentication challenge
        // (and fail the request instead of answering it), and every request would offer gzip.
        // A push service needs neither; its answer is classified as it comes.
        client.getProtocolHandlers().clear();
        client.getContentDecoderFactories().clear();
        return client;
    }

    /** A message for one subscription: the plaintext payload and what sets its headers. */
    public record Message(byte[] payload, Priority priority, Optional<String> tag) {}

    /**
     * Encrypts and sends on the calling thread's time, then returns; the future completes on one
     * of the client's threads once the push service has answered (or the request failed). It
     * never completes exceptionally: every failure is a {@link SendResult}.
     */
    public CompletableFuture<SendResult> send(PushSubscription subscription, Message message) {
        URI endpoint = subscription.endpointUri();
        Optional<String> refusal = policy.refusal(endpoint);
        if (refusal.isPresent()) {
            return CompletableFuture.completedFuture(
                    new SendResult.NotAllowed("not sent: the endpoint policy refuses it: " + refusal.get()));
        }
        byte[] body = encryption.encrypt(subscription.keys(), message.payload());
        Request request = client.newRequest(endpoint)
                .method(HttpMethod.POST)
                .timeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .headers(h -> {
                    h.put(HttpHeader.AUTHORIZATION, signer.authorization(endpoint));
                    h.put("TTL", Long.toString(ttl(message.priority()).toSeconds()));
                    h.put("Urgency", urgency(message.priority()));
                    h.put(HttpHeader.CONTENT_ENCODING, "aes128gcm");
                    message.tag().map(PushSender::topic).ifPresent(t -> h.put("Topic", t));
                })
                .body(new BytesRequestContent("application/octet-stream", body));
        if ("http".equals(endpoint.getScheme())) {
            request.version(HttpVersion.HTTP_1_1); // no ALPN without TLS; HTTP/2 would need prior knowledge
        }
        CompletableFuture<SendResult> result = new CompletableFuture<>();
        dispatch(Endpoints.origin(endpoint), request, result);
        return result;
    }

    /**
     * Sends, but never lets a burst find a push service without a connection: while none is open,
     * one request opens it and the others wait for its answer. Left alone, the client would open a
     * connection per waiting request (it cannot know yet that HTTP/2 will carry them all on one).
     */
    private void dispatch(String origin, Request request, CompletableFuture<SendResult> result) {
        CompletableFuture<Void> opening = connecting.get(origin);
        if (opening == null) {
            if (!client.resolveDestination(request).getConnectionPool().isEmpty()) {
                request.send(new Answer(result));
                return;
            }
            CompletableFuture<Void> mine = new CompletableFuture<>();
            opening = connecting.putIfAbsent(origin, mine);
            if (opening == null) {
                // Settled once this request is on its way over the new connection, or has failed.
                Runnable opened = () -> {
                    connecting.remove(origin, mine);
                    mine.complete(null);
                };
                request.onRequestCommit(r -> opened.run()).send(new Answer(result).andThen(opened));
                return;
            }
        }
        // Not kept: the request's Answer completes the push's own future, whatever happens.
        var unused = opening.thenRun(() -> request.send(new Answer(result)));
    }

    /** Collects the status, {@code Retry-After} and the start of the body, then classifies. */
    private final class Answer implements Response.Listener {
        private final CompletableFuture<SendResult> result;
        private Runnable whenComplete = () -> {};
        private byte[] reason;
        private int reasonLength;

        Answer(CompletableFuture<SendResult> result) {
            this.result = result;
        }

        Answer andThen(Runnable action) {
            whenComplete = action;
            return this;
        }

        @Override
        public void onContent(Response response, ByteBuffer content) {
            if (response.getStatus() < 300 || reasonLength == REASON_BYTES) {
                return; // success bodies mean nothing to us
            }
            if (reason == null) {
                reason = new byte[REASON_BYTES];
            }
            int n = Math.min(content.remaining(), REASON_BYTES - reasonLength);
            content.get(reason, reasonLength, n);
            reasonLength += n;
        }

        @Override
        public void onComplete(Result r) {
            SendResult outcome;
            if (r.getResponseFailure() == null && r.getRequestFailure() == null) {
                Response response = r.getResponse();
                outcome = classify(
                        response.getStatus(),
                        Optional.ofNullable(response.getHeaders().get(HttpHeader.RETRY_AFTER)),
                        reason == null ? "" : new String(reason, 0, reasonLength, StandardCharsets.UTF_8));
            } else {
                outcome = failure(r.getFailure());
            }
            whenComplete.run();
            result.complete(outcome);
        }
    }

    private SendResult failure(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return new SendResult.Retryable(
                    null, "timeout after " + config.requestTimeout().toSeconds() + " s");
        }
        if (failure instanceof ConnectException) {
            return new SendResult.Retryable(null, "connection refused");
        }
        return new SendResult.Retryable(
                null, "connection failed: " + failure.getClass().getSimpleName());
    }

    SendResult classify(int status, Optional<String> retryAfter, String body) {
        return switch (status) {
            case 200, 201, 202 -> new SendResult.Delivered(status);
            case 404, 410 -> new SendResult.Gone(status);
            case 429 ->
                new SendResult.RetryAfter(retryAfter.map(this::parseRetryAfter).orElse(DEFAULT_RETRY_AFTER));
            default ->
                status >= 500
                        ? new SendResult.Retryable(status, "push service answered " + status)
                        : new SendResult.Rejected(status, "push service answered " + status + reason(body));
        };
    }

    /** RFC 9110 §10.2.3: seconds, or an HTTP date. Nonsense counts as a minute. */
    Duration parseRetryAfter(String value) {
        String v = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException ignored) {
            // an HTTP date, then
        }
        try {
            Instant at =
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(clock.instant(), at);
            return d.isNegative() ? Duration.ZERO : d;
        } catch (DateTimeParseException e) {
            return DEFAULT_RETRY_AFTER;
        }
    }

    private static String reason(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return ": " + (oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine);
    }

    Duration ttl(Priority priority) {
        return config.payload().ttlByPriority().get(priority.wire());
    }

    /** RFC 8030 §5.3. */
    static String urgency(Priority priority) {
        return switch (priority) {
            case LOW -> "low";
            case MEDIUM -> "normal";
            case HIGH, CRITICAL -> "high";
        };
    }

    /**
     * RFC 8030 §5.4: a topic is at most 32 characters of the base64url alphabet. A tag that
     * already is one is used as is; any other tag maps to the same topic every time through a hash.
     */
    static String topic(String tag) {
        if (TOPIC.matcher(tag).matches()) {
            return tag;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(tag.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(digest)
                    .substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            // stopping: nothing left to do with a failure here
        }
    }
}
