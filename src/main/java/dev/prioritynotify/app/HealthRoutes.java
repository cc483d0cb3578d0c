package dev.prioritynotify.app;

import dev.prioritynotify.http.ErrorRenderer;
import dev.prioritynotify.store.Database;
import io.javalin.config.RoutesConfig;
import java.util.Map;

/** {@code /healthz}: the process answers. {@code /readyz}: and its database does too. */
final class HealthRoutes {
    private final Database db;

    HealthRoutes(Database db) {
        this.db = db;
    }

    void register(RoutesConfig routes) {
        routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
        routes.get("/readyz", ctx -> {
            if (db.isReachable()) {
                ctx.json(Map.of("status", "ok", "database", "ok"));
            } else {
                ErrorRenderer.render(ctx, 503, "database: unreachable");
            }
        });
    }
}
