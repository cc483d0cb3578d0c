package dev.prioritynotify.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renders every failure as {@code {"detail": "..."}}; nothing else ever reaches the client, no stack trace. */
public final class ErrorRenderer {
    private static final Logger log = LoggerFactory.getLogger(ErrorRenderer.class);

    private ErrorRenderer() {}

    public static void register(RoutesConfig routes) {
        routes.exception(ApiError.class, (e, ctx) -> {
            if (e.retryAfterSeconds() != null) {
                ctx.header("Retry-After", e.retryAfterSeconds());
            }
            render(ctx, e.status(), e.detail());
        });
        // Javalin's own answers (unknown route, body over the size limit) speak {"detail"} too.
        routes.exception(HttpResponseException.class, (e, ctx) -> render(ctx, e.getStatus(), describe(e)));
        routes.exception(Exception.class, (e, ctx) -> {
            log.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
            render(ctx, 500, "internal server error");
        });
    }

    private static String describe(HttpResponseException e) {
        return switch (e.getStatus()) {
            case 413 -> "body: larger than the request size limit";
            default -> e.getMessage() == null || e.getMessage().isBlank() ? "request failed" : e.getMessage();
        };
    }

    public static void render(Context ctx, int status, String detail) {
        ctx.status(status).json(Map.of("detail", detail));
    }
}
