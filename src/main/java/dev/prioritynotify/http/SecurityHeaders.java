package dev.prioritynotify.http;

import io.javalin.http.Context;

/**
 * Headers on every answer. The CSP lets pages run only scripts served by this server (no inline
 * script, no eval), so an injected {@code <script>} or {@code onerror=} does nothing even if some
 * text were ever left unescaped; {@code frame-ancestors 'none'} stops clickjacking.
 */
public final class SecurityHeaders {
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; "
            + "form-action 'self'; frame-ancestors 'none'";

    private SecurityHeaders() {}

    public static void apply(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("X-Frame-Options", "DENY");
    }
}
