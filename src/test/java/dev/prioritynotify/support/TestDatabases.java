package dev.prioritynotify.support;

import dev.prioritynotify.config.Config;
import dev.prioritynotify.config.Settings;
import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Dialect;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Real databases for tests: a SQLite file in the test's temporary directory, or a fresh schema
 * in the machine's PostgreSQL ({@code TEST_POSTGRES_URL}, default the local {@code test}
 * database), dropped afterwards. Every storage test runs on both.
 */
public final class TestDatabases {
    private static final String POSTGRES =
            System.getenv().getOrDefault("TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private TestDatabases() {}

    public static Stream<Dialect> both() {
        return Stream.of(Dialect.SQLITE, Dialect.POSTGRESQL);
    }

    /** A fresh, empty database; close it to drop it. */
    public static Fresh fresh(Dialect dialect, Path tempDir) {
        if (dialect == Dialect.SQLITE) {
            return new Fresh("jdbc:sqlite:" + tempDir.resolve("test-" + UUID.randomUUID() + ".db"), () -> {});
        }
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
        execute("CREATE SCHEMA " + schema);
        String url = POSTGRES + (POSTGRES.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return new Fresh(url, () -> execute("DROP SCHEMA " + schema + " CASCADE"));
    }

    public record Fresh(String jdbcUrl, Runnable drop) implements AutoCloseable {
        /** Opens the database the application's way and brings its schema up to date. */
        public Database openMigrated() {
            Database db = Database.open(Config.from(Settings.of(settings())).database());
            db.migrate();
            return db;
        }

        /** Settings that point the application at this database. */
        public Map<String, String> settings() {
            return Map.of("DATABASE_URL", jdbcUrl);
        }

        @Override
        public void close() {
            drop.run();
        }
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(POSTGRES);
                Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "PostgreSQL for tests is not reachable at " + POSTGRES + " (the test script starts it): "
                            + e.getMessage(),
                    e);
        }
    }
}
