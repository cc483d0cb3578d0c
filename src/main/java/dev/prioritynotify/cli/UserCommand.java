package dev.prioritynotify.cli;

import dev.prioritynotify.app.App;
import dev.prioritynotify.user.User;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "user",
        description = "Manage local users.",
        subcommands = {UserCommand.Create.class, UserCommand.Passwd.class, UserCommand.ListUsers.class})
final class UserCommand {

    @Command(name = "create", description = "Create a local user.")
    static final class Create implements Callable<Integer> {
        @Parameters(index = "0", description = "user name")
        String name;

        @Option(names = "--admin", description = "make the user an administrator")
        boolean admin;

        @Option(names = "--password-stdin", description = "read the password from the first line of standard input")
        boolean passwordStdin;

        @Override
        public Integer call() throws IOException {
            Optional<char[]> password = passwordStdin ? Optional.of(readPassword()) : Optional.empty();
            App.Services s = Main.services();
            try (var db = s.db()) {
                User user = s.accounts().create(name, admin, password);
                System.out.println("created user " + user.name() + " (id " + user.id() + ")");
            }
            return 0;
        }
    }

    @Command(
            name = "passwd",
            description = "Set a local user's password and sign them out everywhere. Without --password-stdin,"
                    + " a new password is made and printed once.")
    static final class Passwd implements Callable<Integer> {
        @Parameters(index = "0", description = "user name")
        String name;

        @Option(names = "--password-stdin", description = "read the password from the first line of standard input")
        boolean passwordStdin;

        @Override
        public Integer call() throws IOException {
            Optional<char[]> given = passwordStdin ? Optional.of(readPassword()) : Optional.empty();
            App.Services s = Main.services();
            try (var db = s.db()) {
                User user = s.accounts()
                        .find(name)
                        .orElseThrow(() -> new IllegalArgumentException("no local user named '" + name + "'"));
                char[] password =
                        given.orElseGet(() -> s.accounts().generatePassword().toCharArray());
                s.accounts().setPassword(user, password);
                int ended = s.sessions().deleteAllOf(user.id());
                if (given.isEmpty()) {
                    // Only the password on stdout, as token create prints only the token, so scripts can capture it.
                    System.out.println(new String(password));
                }
                System.err.println("password of " + user.name() + " set; " + ended + " session(s) ended");
            }
            return 0;
        }
    }

    private static char[] readPassword() throws IOException {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
            throw new IllegalArgumentException("--password-stdin: no password on standard input");
        }
        return line.toCharArray();
    }

    @Command(name = "list", description = "List users.")
    static final class ListUsers implements Callable<Integer> {
        @Override
        public Integer call() {
            App.Services s = Main.services();
            try (var db = s.db()) {
                System.out.printf("%-36s  %-24s  %-5s  %s%n", "ID", "NAME", "ADMIN", "SUBJECT");
                for (User u : s.users().list()) {
                    System.out.printf("%-36s  %-24s  %-5s  %s%n", u.id(), u.name(), u.admin() ? "yes" : "no", u.sub());
                }
            }
            return 0;
        }
    }
}
