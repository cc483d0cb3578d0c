package dev.prioritynotify.web;

import dev.prioritynotify.http.ApiError;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Objects;

/**
 * The web app's files: {@code /static/...} (CSS, JS modules, icons), the service worker at
 * {@code /sw.js}, the manifest at {@code /manifest.webmanifest} and {@code /favicon.ico}.
 *
 * <p>Caching: a request naming the file's current version ({@code ?v=}, as pages link to it) may
 * be kept for a year, since that URL never changes content. Anything else is revalidated each
 * time by its ETag (a 304 costs a few bytes): JS modules import each other by plain URL, and the
 * service worker and manifest must be fetched fresh, or a browser would keep an old worker for a
 * day (the limit browsers apply to {@code sw.js}).
 */
public final class StaticRoutes {
    private static final String FOREVER = "public, max-age=31536000, immutable";
    private static final String REVALIDATE = "no-cache";

    private final Assets assets;

    public StaticRoutes(Assets assets) {
        this.assets = assets;
    }

    public void register(RoutesConfig routes) {
        routes.get("/static/<path>", ctx -> serve(ctx, "/static/" + ctx.pathParam("path")));
        routes.get("/sw.js", this::serviceWorker);
        routes.get("/manifest.webmanifest", ctx -> serve(ctx, "/manifest.webmanifest"));
        // Browsers ask for it on pages that name no icon (the sign-in page); a PNG is fine for every one of them.
        routes.get("/favicon.ico", ctx -> serve(ctx, "/static/icon-192.png"));
    }

    private void serviceWorker(Context ctx) {
        // Served from the root so that its scope can be the whole app; the header says so explicitly.
        ctx.header("Service-Worker-Allowed", "/");
        serve(ctx, "/sw.js");
    }

    private void serve(Context ctx, String path) {
        Asset asset = assets.find(path).orElseThrow(() -> ApiError.notFound("file"));
        boolean versioned = asset.version().equals(ctx.queryParam("v")) && !path.equals("/sw.js");
        ctx.header("Cache-Control", versioned ? FOREVER : REVALIDATE);
        ctx.header("ETag", asset.etag());
        if (Objects.equals(ctx.header("If-None-Match"), asset.etag())) {
            ctx.status(304);
            return;
        }
        ctx.contentType(asset.contentType()).result(asset.bytes());
    }
}
