package dev.prioritynotify.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "migrate", description = "Bring the database schema up to date, then exit.")
final class MigrateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        Main.services().db().close(); // opening the services migrates
        System.err.println("database is up to date");
        return 0;
    }
}
