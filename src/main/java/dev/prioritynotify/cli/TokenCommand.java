package dev.prioritynotify.cli;

import dev.prioritynotify.app.App;
import dev.prioritynotify.config.Settings;
import dev.prioritynotify.token.ApiToken;
import dev.prioritynotify.token.DeviceType;
import dev.prioritynotify.token.Scope;
import dev.prioritynotify.user.User;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "token",
        description = "Manage API tokens.",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand {

    static User user(App.Services s, String name) {
        return s.accounts()
                .find(name)
                .orElseThrow(() -> new IllegalArgumentException("--user: no user named '" + name + "'"));
    }

    @Command(name = "create", description = "Issue a token; prints only the token, once, so scripts can capture it.")
    static final class Create implements Callable<Integer> {
        @Option(names = "--user", required = true, description = "owner's user name")
        String user;

        @Option(names = "--name", required = true, description = "label, e.g. 'backup script'")
        String name;

        @Option(
                names = "--device-type",
                defaultValue = "other",
                description = "android, gnome, browser, script or other")
        String deviceType;

        @Option(
                names = "--scope",
                defaultValue = "publish,read",
                description = "publish, read or both (comma-separated)")
        String scope;

        @Option(names = "--expires-in", description = "lifetime such as 90d or 12h; default: never expires")
        String expiresIn;

        @Override
        public Integer call() {
            Set<Scope> scopes = EnumSet.noneOf(Scope.class);
            for (String part : scope.split(",")) {
                if (!part.isBlank()) {
                    scopes.add(Scope.parse(part));
                }
            }
            Optional<Duration> lifetime =
                    Optional.ofNullable(expiresIn).map(v -> Settings.parseDuration("--expires-in", v));
            App.Services s = Main.services();
            try (var db = s.db()) {
                var issued = s.tokens().issue(user(s, user).id(), name, DeviceType.parse(deviceType), scopes, lifetime);
                System.out.println(issued.plaintext());
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List a user's tokens (never their secrets).")
    static final class ListTokens implements Callable<Integer> {
        @Option(names = "--user", required = true)
        String user;

        @Override
        public Integer call() {
            App.Services s = Main.services();
            try (var db = s.db()) {
                System.out.printf(
                        "%-36s  %-20s  %-8s  %-13s  %-24s  %s%n",
                        "ID", "NAME", "DEVICE", "SCOPES", "LAST USED", "EXPIRES");
                for (ApiToken t : s.tokens().list(user(s, user).id())) {
                    System.out.printf(
                            "%-36s  %-20s  %-8s  %-13s  %-24s  %s%n",
                            t.id(),
                            t.name(),
                            t.deviceType().wire(),
                            t.scopes().stream().sorted().map(Scope::wire).collect(Collectors.joining(",")),
                            t.lastUsedAt() == null ? "never" : t.lastUsedAt(),
                            t.expiresAt() == null ? "never" : t.expiresAt());
                }
            }
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke a token; its next request is refused.")
    static final class Revoke implements Callable<Integer> {
        @Parameters(index = "0", description = "token id (from 'token list')")
        String id;

        @Override
        public Integer call() {
            UUID tokenId;
            try {
                tokenId = UUID.fromString(id);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("id: must be a UUID");
            }
            App.Services s = Main.services();
            try (var db = s.db()) {
                if (!s.tokens().revoke(tokenId)) {
                    System.err.println("error: no token with id " + id);
                    return 1;
                }
            }
            System.err.println("revoked " + id);
            return 0;
        }
    }
}
