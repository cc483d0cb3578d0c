package dev.prioritynotify.push;

import dev.prioritynotify.config.Config;
import dev.prioritynotify.notification.Priority;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
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
import java.util.regex.Pattern;

/**
 * Sends one encrypted message to one subscription (RFC 8030 §5) and says what happened. One
 * shared HTTP/2-capable client keeps connections to each push service open across messages.
 */
public final class PushSender implements AutoCloseable {
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofMinutes(1);

    private final HttpClient client;
    private final WebPushEncryption encryption;
    private final VapidSigner signer;
    private final EndpointPolicy policy;
    private final Config.Push config;
    private final InstantSource clock;

    PushSender(WebPushEncryption encryption, VapidSigner signer, EndpointPolicy policy, Config.Push config, InstantSource clock) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.encryption = encryption;
        this.signer = signer;
        this.policy = policy;
        this.config = config;
        this.clock = clock;
    }

    /** A message for one subscription: the plaintext payload and what sets its headers. */
    public record Message(byte[] payload, Priority priority, Optional<String> tag) {}

    public SendResult send(PushSubscription subscription, Message message) {
        URI endpoint = subscription.endpointUri();
        if (policy.resolvesToInternal(endpoint)) {
            return new SendResult.Rejected(0, "endpoint now resolves to an internal address");
        }
        byte[] body = encryption.encrypt(subscription.keys(), message.payload());
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(config.requestTimeout())
                .header("Authorization", signer.authorization(endpoint))
                .header("TTL", Long.toString(ttl(message.priority()).toSeconds()))
                .header("Urgency", urgency(message.priority()))
                .header("Content-Encoding", "aes128gcm")
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        message.tag().map(PushSender::topic).ifPresent(t -> request.header("Topic", t));
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return classify(response.statusCode(), response.headers().firstValue("Retry-After"), response.body());
        } catch (HttpTimeoutException e) {
            return new SendResult.Retryable("timeout after " + config.requestTimeout().toSeconds() + " s");
        } catch (IOException e) {
            return new SendResult.Retryable("connection failed: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SendResult.Retryable("interrupted");
        }
    }

    SendResult classify(int status, Optional<String> retryAfter, String body) {
        return switch (status) {
            case 200, 201, 202 -> new SendResult.Delivered(status);
            case 404, 410 -> new SendResult.Gone(status);
            case 429 -> new SendResult.RetryAfter(retryAfter.map(this::parseRetryAfter).orElse(DEFAULT_RETRY_AFTER));
            default -> status >= 500
                    ? new SendResult.Retryable("push service answered " + status)
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
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
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
        return config.ttlByPriority().get(priority.wire());
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
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
