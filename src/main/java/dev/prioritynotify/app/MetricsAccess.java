package dev.prioritynotify.app;

import dev.prioritynotify.config.Cidr;
import dev.prioritynotify.config.Secret;
import dev.prioritynotify.http.ApiError;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * Who may read {@code /metrics}. Its counters tell how many users and devices there are, and how
 * pushes fare: an operator's view, not the network's. With {@code METRICS_TOKEN} a scraper sends
 * {@code Authorization: Bearer <token>}; without it, the page is open only when the server listens
 * on loopback alone, where nobody but this machine can ask.
 */
final class MetricsAccess {
    private static final String BEARER = "Bearer ";

    /** Empty: no token; then {@code open} says whether anyone may read. */
    private final Optional<byte[]> tokenDigest;

    private final boolean open;

    private MetricsAccess(Optional<byte[]> tokenDigest, boolean open) {
        this.tokenDigest = tokenDigest;
        this.open = open;
    }

    static MetricsAccess of(Optional<Secret> token, String host) {
        return new MetricsAccess(token.map(t -> sha256(t.value())), token.isEmpty() && isLoopback(host));
    }

    /** For the start-up line. */
    String describe() {
        if (tokenDigest.isPresent()) {
            return "/metrics requires METRICS_TOKEN";
        }
        return open
                ? "/metrics is open (HOST is loopback)"
                : "/metrics is refused: HOST is not loopback and METRICS_TOKEN is not set";
    }

    void check(Context ctx) {
        if (tokenDigest.isEmpty()) {
            if (!open) {
                throw ApiError.forbidden("METRICS_TOKEN: /metrics is open only on a loopback HOST;"
                        + " set METRICS_TOKEN and scrape with 'Authorization: Bearer <token>'");
            }
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw unauthenticated(ctx, "Authorization: /metrics needs 'Bearer <METRICS_TOKEN>'");
        }
        // Digests of equal length compared in constant time: neither the token's bytes nor its length leak.
        byte[] presented = sha256(header.substring(BEARER.length()).trim());
        if (!MessageDigest.isEqual(presented, tokenDigest.get())) {
            throw unauthenticated(ctx, "Authorization: wrong METRICS_TOKEN");
        }
    }

    /** 127.0.0.0/8, ::1 or {@code localhost}: only this machine can connect. */
    static boolean isLoopback(String host) {
        if (host.toLowerCase(Locale.ROOT).equals("localhost")) {
            return true;
        }
        try {
            return Cidr.address(host).isLoopbackAddress();
        } catch (IllegalArgumentException e) {
            return false; // a host name other than localhost: whatever it resolves to, not known to be loopback
        }
    }

    private static ApiError unauthenticated(Context ctx, String detail) {
        ctx.header("WWW-Authenticate", "Bearer");
        return ApiError.unauthenticated(detail);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
