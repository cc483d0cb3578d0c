package dev.prioritynotify.app;

import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/openapi.json}: the OpenAPI 3.1 description of the API, public like the API's
 * shape itself (docs/openapi.json is the same file; OpenApiTest checks both against the routes the
 * server registers and the answers it sends).
 */
final class OpenApiRoutes {
    static final String RESOURCE = "/openapi.json";

    private final byte[] document;

    OpenApiRoutes() {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the API description " + RESOURCE + " is missing from the build");
            }
            this.document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the API description " + RESOURCE, e);
        }
    }

    void register(RoutesConfig routes) {
        routes.get("/api/openapi.json", ctx -> {
            // The same for everyone and changed only by a new release: caches may keep it briefly.
            ctx.header("Cache-Control", "public, max-age=300");
            ctx.contentType("application/json");
            ctx.result(document);
        });
    }
}
