package dev.prioritynotify.webpush;

import java.net.URI;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Shortening of push endpoints for logs and API answers: the origin and the first characters of the path. */
public final class Endpoints {
    private static final int PATH_CHARS = 12;

    private Endpoints() {}

    /**
     * The push service an endpoint belongs to, as RFC 6454 serialises an origin (lower-case
     * scheme and host, default port left out): the VAPID {@code aud} claim (RFC 8292 §2) and
     * the key of the per-service concurrency limits.
     */
    public static String origin(URI endpoint) {
        String scheme = endpoint.getScheme();
        String host = endpoint.getHost();
        if (scheme == null || host == null || host.isEmpty()) {
            throw new IllegalArgumentException("push endpoint is not an absolute URL with a host");
        }
        scheme = scheme.toLowerCase(Locale.ROOT);
        int port = endpoint.getPort();
        boolean defaultPort =
                port == -1 || (port == 443 && scheme.equals("https")) || (port == 80 && scheme.equals("http"));
        return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    public static @Nullable String truncate(@Nullable String endpoint) {
        if (endpoint == null) {
            return null;
        }
        int schemeEnd = endpoint.indexOf("://");
        int pathStart = schemeEnd < 0 ? -1 : endpoint.indexOf('/', schemeEnd + 3);
        if (pathStart < 0) {
            return endpoint.length() <= 40 ? endpoint : endpoint.substring(0, 40) + "…";
        }
        int end = Math.min(endpoint.length(), pathStart + 1 + PATH_CHARS);
        return endpoint.substring(0, end) + (end < endpoint.length() ? "…" : "");
    }
}
