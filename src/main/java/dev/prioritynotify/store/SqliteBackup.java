package dev.prioritynotify.store;

import dev.prioritynotify.config.DatabaseConfig;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A consistent copy of the SQLite database while the server keeps writing to it. {@code VACUUM
 * INTO} reads the whole database in one read transaction (in WAL mode writers go on beside it) and
 * writes a compacted, self-contained file: no {@code -wal} file to copy with it, unlike a plain
 * {@code cp} of a live database, which can catch the file between a commit and its checkpoint.
 */
public final class SqliteBackup {
    /** The file must not exist or be empty (SQLite refuses otherwise). */
    private static final String VACUUM_INTO = "VACUUM INTO ?";

    private static final String QUICK_CHECK = "PRAGMA quick_check";

    /** What was written: the database copied, the new file and its size. */
    public record Result(Path database, Path file, long bytes) {}

    private SqliteBackup() {}

    /**
     * Writes the copy to a temporary file beside {@code target}, checks it and only then gives it
     * its name, so an interrupted backup never leaves a partial file under the name a restore
     * would use. Never overwrites.
     *
     * @throws IllegalArgumentException for what the operator must change (PostgreSQL, no database,
     *     the file exists), with a message saying what to do
     * @throws IllegalStateException when the copy itself fails
     */
    public static Result backup(DatabaseConfig config, Path target) {
        if (config.isPostgres()) {
            throw new IllegalArgumentException("backup: DATABASE_URL is PostgreSQL, which this command does not copy;"
                    + " use pg_dump (pg_dump -Fc -f priority-notify.dump <database>; restore with pg_restore)");
        }
        Path database =
                Path.of(config.jdbcUrl().substring("jdbc:sqlite:".length())).toAbsolutePath();
        if (!Files.isRegularFile(database)) {
            throw new IllegalArgumentException("backup: no database at " + database
                    + " (check DATA_DIR or DATABASE_URL; the server creates it on its first start)");
        }
        Path file = target.toAbsolutePath();
        if (Files.exists(file)) {
            throw new IllegalArgumentException("backup: " + file + " already exists; choose a new file name");
        }
        Path partial = null;
        try {
            Files.createDirectories(file.getParent());
            // Owner-only from the start: the copy holds token hashes, sessions and the sealed VAPID key.
            partial = createPrivate(file.getParent(), file.getFileName() + ".partial-");
            try (Connection source = connect(database)) {
                try (PreparedStatement vacuum = source.prepareStatement(VACUUM_INTO)) {
                    vacuum.setString(1, partial.toString());
                    vacuum.execute();
                }
            }
            try (Connection copy = connect(partial);
                    Statement check = copy.createStatement();
                    ResultSet result = check.executeQuery(QUICK_CHECK)) {
                String verdict = result.next() ? result.getString(1) : "no answer";
                if (!"ok".equals(verdict)) {
                    throw new IllegalStateException("backup: the copy failed its integrity check: " + verdict);
                }
            }
            // Without REPLACE_EXISTING: a file that appeared meanwhile is not overwritten either.
            Files.move(partial, file);
            partial = null;
            return new Result(database, file, Files.size(file));
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException("backup: " + file + " already exists; choose a new file name", e);
        } catch (IOException e) {
            throw new IllegalStateException("backup: cannot write " + file + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new IllegalStateException("backup: copying " + database + " failed: " + e.getMessage(), e);
        } finally {
            if (partial != null) {
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException e) {
                    // The failure being reported matters more than the leftover temporary file.
                }
            }
        }
    }

    private static Path createPrivate(Path directory, String prefix) throws IOException {
        try {
            return Files.createTempFile(
                    directory,
                    prefix,
                    ".db",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            return Files.createTempFile(directory, prefix, ".db");
        }
    }

    private static Connection connect(Path file) throws SQLException {
        Properties properties = new Properties();
        // The server may hold the write lock for a moment; wait as its own connections do.
        properties.setProperty("busy_timeout", "10000");
        return DriverManager.getConnection("jdbc:sqlite:" + file, properties);
    }
}
