package dev.prioritynotify.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
        Retention retention) {

    public record Server(String host, int port, Optional<String> baseUrl, long maxRequestSize,
                         List<String> corsOrigins, List<String> allowedHosts) {}

    public enum LogFormat { AUTO, JSON, TEXT }

    public record Logging(String level, LogFormat format) {}

    /** SSE: heartbeat comment interval, per-client buffer before a slow client is dropped, event log age. */
    public record Stream(Duration heartbeat, int clientBuffer, Duration eventRetention, Duration retryHint) {}

    public enum RetentionMode { DELETE, ARCHIVE }

    /** {@code days == 0} keeps notifications forever. */
    public record Retention(int days, RetentionMode mode) {}

    public static Config from(Settings s) {
        Path dataDir = Path.of(s.string("DATA_DIR", "./data"));
        String level = s.string("LOG_LEVEL", "INFO").toUpperCase(java.util.Locale.ROOT);
        if (!List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(level)) {
            throw new ConfigException("LOG_LEVEL", "must be one of TRACE, DEBUG, INFO, WARN, ERROR, got '" + level + "'");
        }
        Optional<String> baseUrl = s.get("BASE_URL").map(u -> validateBaseUrl(u));
        Duration heartbeat = s.duration("STREAM_HEARTBEAT", Duration.ofSeconds(15));
        if (heartbeat.isZero()) {
            throw new ConfigException("STREAM_HEARTBEAT", "must be greater than zero");
        }
        return new Config(
                dataDir,
                DatabaseConfig.parse("DATABASE_URL", s.get("DATABASE_URL"), dataDir,
                        s.integer("DATABASE_POOL_SIZE", 10, 1, 200)),
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
                new Stream(heartbeat,
                        s.integer("STREAM_CLIENT_BUFFER", 1024, 16, 1_000_000),
                        s.duration("EVENT_RETENTION", Duration.ofDays(7)),
                        s.duration("STREAM_RETRY", Duration.ofSeconds(3))),
                new Retention(
                        s.integer("RETENTION_DAYS", 0, 0, 36_500),
                        s.choice("RETENTION_MODE", RetentionMode.class, RetentionMode.DELETE)));
    }

    private static String validateBaseUrl(String url) {
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new ConfigException("BASE_URL", "must start with http:// or https://, got '" + url + "'");
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
