package dev.prioritynotify.cli;

import dev.prioritynotify.app.App;
import dev.prioritynotify.config.Config;
import dev.prioritynotify.store.SqliteBackup;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code backup <file>}: a consistent copy of the SQLite database, taken while the server runs.
 * Only the database: the secret key changes never and is backed up once, apart from the database
 * copies (which are then of no use to whoever finds one without it). The command names what else
 * to keep, every time, so a restore is not found to be incomplete on the day it is needed.
 */
@Command(
        name = "backup",
        description = "Copy the SQLite database to <file> (a new file), consistently, while the server runs."
                + " For PostgreSQL use pg_dump. Prints the file on stdout and what else to keep on stderr.")
final class BackupCommand implements Callable<Integer> {
    @Parameters(paramLabel = "<file>", description = "the copy to write; must not exist yet")
    Path file;

    @Override
    public Integer call() {
        Config config = Main.config();
        SqliteBackup.Result result;
        try {
            result = SqliteBackup.backup(config.database(), file);
        } catch (IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        System.out.println(result.file());
        System.err.println("backed up " + result.database() + " to " + result.file() + " (" + result.bytes()
                + " bytes, integrity checked)");
        System.err.println("a restore also needs (keep them apart from the database copies):");
        for (String secret : App.secretsToKeep(config)) {
            System.err.println("  " + secret);
        }
        return 0;
    }
}
