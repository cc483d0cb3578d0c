package dev.prioritynotify.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.prioritynotify.support.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteCheckpointerTest {
    @TempDir
    Path dir;

    @Test
    void committedPagesReachTheDatabaseFileWithoutAnyWriterCheckpointing() throws Exception {
        try (TestDatabases.Fresh fresh = TestDatabases.fresh(Dialect.SQLITE, dir);
                Database db = fresh.openMigrated()) {
            Path file = Path.of(fresh.jdbcUrl().substring("jdbc:sqlite:".length()));
            db.inTransaction(h -> h.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB)"));
            long before = Files.size(file);
            // About 4 MiB: far below the 80 MiB at which a commit would checkpoint by itself.
            db.inTransaction(
                    h -> h.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
                            + "INSERT INTO blobs (body) SELECT randomblob(4000) FROM n"));
            assertThat(Files.size(Path.of(file + "-wal")))
                    .as("the commit went to the log")
                    .isGreaterThan(4_000_000);

            try {
                await("the background checkpoint")
                        .atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> Files.size(file) > before + 4_000_000);
            } catch (ConditionTimeoutException e) {
                // The assertion below says how far the file got.
            }
            assertThat(Files.size(file))
                    .as("the database file, after the background checkpoint")
                    .isGreaterThan(before + 4_000_000);
        }
    }
}
