package dev.prioritynotify.auth;

import io.javalin.http.Context;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Which origin is ours: that of {@code BASE_URL} when it is set (behind a reverse proxy the
 * request's own Host may be internal), else the one the request was addressed to.
 */
public final class Origins {
    private final Optional<String> baseOrigin;

    public Origins(Optional<String> baseUrl) {
        this.baseOrigin = baseUrl.map(Origins::originOf);
    }

    /**
     * Whether a request comes from our own pages: its {@code Origin}, or without one its
     * {@code Referer}, names our origin. Browsers send {@code Origin} on every POST, PUT, PATCH and
     * DELETE; a request with neither header is not one a page of another site made a browser send.
     */
    public boolean sameOrigin(Context ctx) {
        String ours =
                baseOrigin.orElseGet(() -> ctx.scheme() + "://" + ctx.host()).toLowerCase(Locale.ROOT);
        String origin = ctx.header("Origin");
        if (origin != null && !origin.equals("null")) {
            return origin.toLowerCase(Locale.ROOT).equals(ours);
        }
        if (origin != null) {
            return false; // "null": a sandboxed or privacy-stripped context, never our pages
        }
        String referer = ctx.header("Referer");
        return referer == null || ours.equals(originOf(referer));
    }

    /** {@code scheme://host[:port]} of a URL, the default port left out (RFC 6454). */
    static String originOf(String url) {
        try {
            URI uri = URI.create(url);
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort =
                    port == -1 || (port == 443 && scheme.equals("https")) || (port == 80 && scheme.equals("http"));
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (RuntimeException e) {
            return "";
        }
    }
}
