package dev.prioritynotify.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of the process, validated once and immutable. Feature settings are grouped in
 * nested records so that each part of the application receives only what it needs.
 * {@code docs/configuration.md} lists each variable with its default.
 */
public record Config(
        Path dataDir,
        DatabaseConfig database,
        Server server,
        Optional<Secret> secretKey,
        Logging logging,
        Stream stream,
        Retention retention,
        Push push) {

    public record Server(
            String host,
            int port,
            Optional<String> baseUrl,
            long maxRequestSize,
            List<String> corsOrigins,
            List<String> allowedHosts) {}

    public enum LogFormat {
        AUTO,
        JSON,
        TEXT
    }

    public record Logging(String level, LogFormat format) {}

    /** SSE: heartbeat comment interval, per-client buffer before a slow client is dropped, event log age. */
    public record Stream(Duration heartbeat, int clientBuffer, Duration eventRetention, Duration retryHint) {}

    public enum RetentionMode {
        DELETE,
        ARCHIVE
    }

    /** {@code days == 0} keeps notifications forever. */
    public record Retention(int days, RetentionMode mode) {}

    public enum PayloadMode {
        FULL,
        MINIMAL
    }

    public enum CryptoProvider {
        AUTO,
        JDK
    }

    /**
     * Web Push. The VAPID values stay raw here: a malformed key must not stop the server, only
     * disable push with a line naming the variable, so the push package parses them.
     */
    public record Push(
            Optional<String> vapidPublicKey,
            Optional<Secret> vapidPrivateKey,
            Optional<String> vapidSubject,
            boolean vapidAutogenerate,
            Duration vapidTokenValidity,
            List<String> allowedHosts,
            boolean allowInsecureEndpoints,
            PayloadMode payload,
            CryptoProvider cryptoProvider,
            Map<String, Duration> ttlByPriority,
            int subscribeLimitPerUser,
            int subscribeLimitPerAddress,
            Duration subscribeWindow,
            Duration requestTimeout,
            String icon,
            String badge,
            Delivery delivery) {
        public Push {
            ttlByPriority = Map.copyOf(ttlByPriority);
            allowedHosts = List.copyOf(allowedHosts);
        }
    }

    /**
     * The durable delivery queue: retry schedule ({@code base × 2^n} with jitter, capped), worker
     * limits, burst coalescing and housekeeping. {@code lease}: how long a claimed push stays
     * claimed before another sender may take it (empty: 5 min + 4 × the request timeout).
     * {@code handOffLimit}: how many pushes of notifications created here may wait in this
     * process, handed to its workers directly instead of claimed (0: every push is claimed).
     */
    public record Delivery(
            Duration retryBase,
            Duration retryMaxDelay,
            int retryMaxAttempts,
            Duration retryAfterCap,
            Duration pollInterval,
            int concurrency,
            int concurrencyPerOrigin,
            int claimBatch,
            int burstLimit,
            Duration burstWindow,
            Duration staleAfter,
            Duration retention,
            Duration shutdownGrace,
            Optional<Duration> lease,
            int handOffLimit) {}

    public static Config from(Settings s) {
        Path dataDir = Path.of(s.string("DATA_DIR", "./data"));
        String level = s.string("LOG_LEVEL", "INFO").toUpperCase(java.util.Locale.ROOT);
        if (!List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(level)) {
            throw new ConfigException(
                    "LOG_LEVEL", "must be one of TRACE, DEBUG, INFO, WARN, ERROR, got '" + level + "'");
        }
        Optional<String> baseUrl = s.get("BASE_URL").map(u -> validateBaseUrl(u));
        Duration heartbeat = s.duration("STREAM_HEARTBEAT", Duration.ofSeconds(15));
        if (heartbeat.isZero()) {
            throw new ConfigException("STREAM_HEARTBEAT", "must be greater than zero");
        }
        return new Config(
                dataDir,
                DatabaseConfig.parse(
                        "DATABASE_URL", s.get("DATABASE_URL"), dataDir, s.integer("DATABASE_POOL_SIZE", 10, 1, 200)),
                new Server(
                        s.string("HOST", "0.0.0.0"),
                        s.integer("PORT", 8000, 0, 65535),
                        baseUrl,
                        s.size("MAX_REQUEST_SIZE", 256 * 1024),
                        s.list("CORS_ORIGINS"),
                        s.list("ALLOWED_HOSTS")),
                s.get("SECRET_KEY").map(v -> {
                    if (v.length() < 32) {
                        throw new ConfigException("SECRET_KEY", "must be at least 32 characters");
                    }
                    return new Secret(v);
                }),
                new Logging(level, s.choice("LOG_FORMAT", LogFormat.class, LogFormat.AUTO)),
                new Stream(
                        heartbeat,
                        s.integer("STREAM_CLIENT_BUFFER", 1024, 16, 1_000_000),
                        s.duration("EVENT_RETENTION", Duration.ofDays(7)),
                        s.duration("STREAM_RETRY", Duration.ofSeconds(3))),
                new Retention(
                        s.integer("RETENTION_DAYS", 0, 0, 36_500),
                        s.choice("RETENTION_MODE", RetentionMode.class, RetentionMode.DELETE)),
                push(s, baseUrl));
    }

    private static Push push(Settings s, Optional<String> baseUrl) {
        Duration validity = s.duration("VAPID_TOKEN_VALIDITY", Duration.ofHours(12));
        if (validity.compareTo(Duration.ofHours(24)) > 0 || validity.compareTo(Duration.ofMinutes(10)) < 0) {
            throw new ConfigException(
                    "VAPID_TOKEN_VALIDITY", "must be between 10m and 24h (RFC 8292 caps it at 24 hours)");
        }
        // An https BASE_URL is a fine VAPID contact when no subject is given.
        Optional<String> subject = s.get("VAPID_SUBJECT").or(() -> baseUrl.filter(u -> u.startsWith("https://")));
        Map<String, Duration> ttl = new java.util.LinkedHashMap<>();
        ttl.put("low", s.duration("PUSH_TTL_LOW", Duration.ofHours(1)));
        ttl.put("medium", s.duration("PUSH_TTL_MEDIUM", Duration.ofHours(12)));
        ttl.put("high", s.duration("PUSH_TTL_HIGH", Duration.ofDays(1)));
        ttl.put("critical", s.duration("PUSH_TTL_CRITICAL", Duration.ofDays(7)));
        return new Push(
                s.get("VAPID_PUBLIC_KEY"),
                s.get("VAPID_PRIVATE_KEY").map(Secret::new),
                subject,
                s.bool("VAPID_AUTOGENERATE", true),
                validity,
                s.list("PUSH_ALLOWED_HOSTS").stream()
                        .map(h -> h.toLowerCase(java.util.Locale.ROOT))
                        .toList(),
                s.bool("PUSH_ALLOW_INSECURE_ENDPOINTS", false),
                s.choice("PUSH_PAYLOAD", PayloadMode.class, PayloadMode.FULL),
                s.choice("CRYPTO_PROVIDER", CryptoProvider.class, CryptoProvider.AUTO),
                ttl,
                s.integer("PUSH_SUBSCRIBE_LIMIT", 10, 1, 100_000),
                s.integer("PUSH_SUBSCRIBE_LIMIT_PER_ADDRESS", 30, 1, 100_000),
                s.duration("PUSH_SUBSCRIBE_WINDOW", Duration.ofMinutes(1)),
                s.duration("PUSH_REQUEST_TIMEOUT", Duration.ofSeconds(30)),
                s.string("PUSH_ICON", "/static/icon-192.png"),
                s.string("PUSH_BADGE", "/static/badge-72.png"),
                new Delivery(
                        s.duration("PUSH_RETRY_BASE", Duration.ofSeconds(5)),
                        s.duration("PUSH_RETRY_MAX_DELAY", Duration.ofHours(1)),
                        s.integer("PUSH_RETRY_MAX_ATTEMPTS", 8, 1, 100),
                        s.duration("PUSH_RETRY_AFTER_CAP", Duration.ofHours(1)),
                        s.duration("PUSH_WORKER_POLL", Duration.ofSeconds(1)),
                        s.integer("PUSH_CONCURRENCY", 256, 1, 10_000),
                        s.integer("PUSH_CONCURRENCY_PER_ORIGIN", 64, 1, 10_000),
                        s.integer("PUSH_CLAIM_BATCH", 256, 1, 10_000),
                        s.integer("PUSH_BURST_LIMIT", 10, 1, 1_000_000),
                        s.duration("PUSH_BURST_WINDOW", Duration.ofMinutes(1)),
                        s.duration("PUSH_STALE_AFTER", Duration.ofDays(30)),
                        s.duration("PUSH_DELIVERY_RETENTION", Duration.ofDays(7)),
                        s.duration("PUSH_SHUTDOWN_GRACE", Duration.ofSeconds(10)),
                        s.get("PUSH_LEASE").map(v -> {
                            Duration lease = s.duration("PUSH_LEASE", Duration.ZERO);
                            if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
                                throw new ConfigException("PUSH_LEASE", "must be at least 1s");
                            }
                            return lease;
                        }),
                        s.integer("PUSH_HANDOFF_LIMIT", 20_000, 0, 1_000_000)));
    }

    private static String validateBaseUrl(String url) {
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new ConfigException("BASE_URL", "must start with http:// or https://, got '" + url + "'");
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
