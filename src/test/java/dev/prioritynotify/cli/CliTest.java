package dev.prioritynotify.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.password4j.Argon2Function;
import com.sun.net.httpserver.HttpServer;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.ServerProcess;
import dev.prioritynotify.support.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as a script sees it: a separate process, its exit code, stdout and stderr. */
class CliTest {
    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    private Run cli(Map<String, String> env, String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
        pb.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        var stderr = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), stdout, stderr.join());
    }

    @Test
    void usersAndTokensAreManagedFromTheCommandLine() throws Exception {
        Map<String, String> env = Map.of("DATA_DIR", tmp.resolve("data").toString());
        Run created = cli(env, "correct horse battery\n", "user", "create", "alice", "--admin", "--password-stdin");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).as("says what was created").matches("created user alice \\(id [0-9a-f-]{36}\\)\n");

        Run token = cli(
                env,
                null,
                "token",
                "create",
                "--user",
                "alice",
                "--name",
                "backup script",
                "--device-type",
                "script",
                "--scope",
                "publish",
                "--expires-in",
                "90d");
        assertThat(token.exit()).as(token.err()).isZero();
        assertThat(token.out()).as("stdout holds the token and nothing else").matches("pn_[A-Za-z0-9_-]{43}\n");

        Run list = cli(env, null, "token", "list", "--user", "alice");
        assertThat(list.out())
                .contains("backup script")
                .contains("script")
                .contains("publish")
                .doesNotContain(token.out().strip());
        String tokenId = list.out().lines().skip(1).findFirst().orElseThrow().split("\\s+")[0];

        Run users = cli(env, null, "user", "list");
        assertThat(users.out()).contains("alice").contains("yes").contains("local:alice");

        assertThat(cli(env, null, "token", "revoke", tokenId).exit()).isZero();
        assertThat(cli(env, null, "token", "list", "--user", "alice").out()).doesNotContain("backup script");
        assertThat(cli(env, null, "token", "revoke", tokenId).exit()).isEqualTo(1);
    }

    @Test
    void userCreateWithAPassword_printsNothingOnStderr_andStoresAnOwaspArgon2idHash() throws Exception {
        Run created = cli(
                Map.of("DATA_DIR", tmp.resolve("data").toString()),
                "correct horse battery\n",
                "user",
                "create",
                "bob",
                "--password-stdin");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.err()).as("no warnings from the password library").isEmpty();

        String hash;
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("data/priority-notify.db"));
                ResultSet row =
                        db.createStatement().executeQuery("SELECT password_hash FROM users WHERE name = 'bob'")) {
            assertThat(row.next()).isTrue();
            hash = row.getString(1);
        }
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        // read back the way any Argon2 verifier does: the parameters come from the string itself
        Argon2Function recorded = Argon2Function.getInstanceFromHash(hash);
        assertThat(recorded.getOutputLength()).isEqualTo(32);
        assertThat(Base64.getDecoder().decode(hash.split("\\$")[4])).hasSize(16);
        assertThat(recorded.check("correct horse battery", hash)).isTrue();
        assertThat(recorded.check("correct horse battery staple", hash)).isFalse();
    }

    @Test
    void userPasswd_setsTheGivenOrAMadePassword_andEndsTheUsersSessions() throws Exception {
        Map<String, String> env = Map.of("DATA_DIR", tmp.resolve("data").toString());
        assertThat(cli(env, "first password\n", "user", "create", "carol", "--password-stdin")
                        .exit())
                .isZero();
        String db = "jdbc:sqlite:" + tmp.resolve("data/priority-notify.db");
        try (Connection c = DriverManager.getConnection(db)) {
            c.createStatement()
                    .executeUpdate("INSERT INTO sessions (id_hash, user_id, created_at, expires_at)"
                            + " SELECT 'a signed-in browser', id, 0, 9999999999999 FROM users WHERE name = 'carol'");
        }

        Run given = cli(env, "second password\n", "user", "passwd", "carol", "--password-stdin");
        assertThat(given.exit()).as(given.err()).isZero();
        assertThat(given.out()).isEmpty();
        assertThat(given.err()).isEqualTo("password of carol set; 1 session(s) ended\n");
        assertThat(passwordOf(db, "carol", "second password")).isTrue();
        assertThat(passwordOf(db, "carol", "first password")).isFalse();
        try (Connection c = DriverManager.getConnection(db);
                ResultSet n = c.createStatement().executeQuery("SELECT COUNT(*) FROM sessions")) {
            assertThat(n.next()).isTrue();
            assertThat(n.getLong(1)).isZero();
        }

        Run made = cli(env, null, "user", "passwd", "carol");
        assertThat(made.exit()).as(made.err()).isZero();
        assertThat(made.out())
                .as("stdout holds the new password and nothing else")
                .matches("[A-Za-z0-9]{20}\n");
        assertThat(passwordOf(db, "carol", made.out().strip())).isTrue();

        Run ghost = cli(env, "whatever it is\n", "user", "passwd", "ghost", "--password-stdin");
        assertThat(ghost.exit()).isEqualTo(2);
        assertThat(ghost.err().strip()).isEqualTo("error: no local user named 'ghost'");
        Run tooShort = cli(env, "short\n", "user", "passwd", "carol", "--password-stdin");
        assertThat(tooShort.exit()).isEqualTo(2);
        assertThat(tooShort.err().strip()).isEqualTo("error: password must be at least 8 characters");
    }

    private static boolean passwordOf(String db, String name, String password) throws Exception {
        try (Connection c = DriverManager.getConnection(db);
                var query = c.prepareStatement("SELECT password_hash FROM users WHERE name = ?")) {
            query.setString(1, name);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).isTrue();
                String hash = row.getString(1);
                return Argon2Function.getInstanceFromHash(hash).check(password, hash);
            }
        }
    }

    @Test
    void everyCommandAnswersHelpWithItsUsage() throws Exception {
        List<List<String>> commands = new ArrayList<>();
        collectCommands(new CommandLine(new Main()), List.of(), commands);
        assertThat(commands)
                .as("the walk found the subcommands")
                .contains(List.of("publish"), List.of("token", "revoke"));
        SoftAssertions softly = new SoftAssertions();
        for (List<String> command : commands) {
            List<String> args = new ArrayList<>(command);
            args.add("--help");
            Run run = cli(Map.of("DATA_DIR", tmp.resolve("data").toString()), null, args.toArray(String[]::new));
            softly.assertThat(run.exit()).as("exit of %s: %s", args, run.err()).isZero();
            softly.assertThat(run.out()).as("stdout of %s", args).startsWith(String.join(" ", usageLine(command)));
            softly.assertThat(run.err()).as("stderr of %s", args).isEmpty();
        }
        softly.assertAll();
    }

    /** Every command and subcommand by the words that call it, the top level as the empty list. */
    private static void collectCommands(CommandLine command, List<String> path, List<List<String>> into) {
        into.add(path);
        command.getSubcommands().values().stream().distinct().forEach(sub -> {
            List<String> subPath = new ArrayList<>(path);
            subPath.add(sub.getCommandName());
            collectCommands(sub, subPath, into);
        });
    }

    private static List<String> usageLine(List<String> command) {
        List<String> words = new ArrayList<>(List.of("Usage:", "priority-notify"));
        words.addAll(command);
        return words;
    }

    @Test
    void vapidGeneratePrintsAKeyPairTheServerAccepts() throws Exception {
        Run run = cli(Map.of(), null, "vapid", "generate");
        assertThat(run.exit()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("VAPID_PUBLIC_KEY=B[A-Za-z0-9_-]{86}");
        assertThat(lines.get(1)).matches("VAPID_PRIVATE_KEY=[A-Za-z0-9_-]{43}");
        var keys = dev.prioritynotify.webpush.VapidKeys.parse(
                lines.get(0).substring(17), lines.get(1).substring(18));
        assertThat(keys.publicKeyBase64Url()).isEqualTo(lines.get(0).substring(17));
    }

    @Test
    void mistakesEndWithOneLineNamingTheProblem() throws Exception {
        Map<String, String> env = Map.of("DATA_DIR", tmp.resolve("data").toString());
        Run noUser = cli(env, null, "token", "create", "--user", "ghost", "--name", "x");
        assertThat(noUser.exit()).isEqualTo(2);
        assertThat(noUser.err()).contains("error: --user: no user named 'ghost'");
        assertThat(noUser.out()).isEmpty();

        Run badScope = cli(env, null, "token", "create", "--user", "ghost", "--name", "x", "--scope", "admin");
        assertThat(badScope.err()).contains("unknown scope 'admin'");

        Run badPort = cli(Map.of("DATA_DIR", tmp.resolve("data").toString(), "PORT", "eighty"), null, "serve");
        assertThat(badPort.exit()).isEqualTo(2);
        assertThat(badPort.err().strip()).isEqualTo("error: PORT: must be a whole number, got 'eighty'");
    }

    @Test
    void publishToAServerThatIsNotThere_endsWithOneLineNamingTheUrl() throws Exception {
        String nobody = "http://127.0.0.1:" + ServerProcess.freePort();
        Run refused = cli(Map.of("PRIORITY_NOTIFY_TOKEN", "pn_x"), null, "publish", "--server", nobody, "hello");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err())
                .isEqualTo("error: cannot reach " + nobody
                        + " (connection refused); set --server or PRIORITY_NOTIFY_SERVER\n");
        assertThat(refused.out()).isEmpty();

        // .invalid never resolves (RFC 6761 section 6.4)
        Run unknown = cli(
                Map.of("PRIORITY_NOTIFY_TOKEN", "pn_x", "PRIORITY_NOTIFY_SERVER", "http://nowhere.invalid"),
                null,
                "publish",
                "hello");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err())
                .isEqualTo("error: cannot reach http://nowhere.invalid (unknown host); "
                        + "set --server or PRIORITY_NOTIFY_SERVER\n");
    }

    @Test
    void publishToAMalformedServerUrl_isAUsageErrorNamingWhereTheUrlCameFrom() throws Exception {
        Run option =
                cli(Map.of("PRIORITY_NOTIFY_TOKEN", "pn_x"), null, "publish", "--server", "localhost:8000", "hello");
        assertThat(option.exit()).isEqualTo(2);
        assertThat(option.err())
                .isEqualTo("error: --server: must be an http:// or https:// URL such as "
                        + "http://localhost:8000, got 'localhost:8000'\n");

        Run env = cli(
                Map.of("PRIORITY_NOTIFY_TOKEN", "pn_x", "PRIORITY_NOTIFY_SERVER", "http://exa mple"),
                null,
                "publish",
                "hello");
        assertThat(env.exit()).isEqualTo(2);
        assertThat(env.err())
                .isEqualTo("error: PRIORITY_NOTIFY_SERVER: must be an http:// or https:// URL such as "
                        + "http://localhost:8000, got 'http://exa mple'\n");
    }

    @Test
    void publishToSomethingThatDoesNotAnswerJson_saysSoInOneLine() throws Exception {
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/", exchange -> {
            byte[] page = "<html>\n<body>It works!</body>\n</html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        other.start();
        try {
            String url = "http://127.0.0.1:" + other.getAddress().getPort();
            Run run = cli(Map.of("PRIORITY_NOTIFY_TOKEN", "pn_x"), null, "publish", "--server", url, "hello");
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err())
                    .isEqualTo("error: " + url + " answered 200 but not as a priority-notify server does: "
                            + "'<html> <body>It works!</body> </html>'; check --server or PRIORITY_NOTIFY_SERVER\n");
            assertThat(run.out()).isEmpty();
        } finally {
            other.stop(0);
        }
    }

    @Test
    void publishSendsANotificationToARunningServer(@TempDir Path serverDir) throws Exception {
        try (TestServer server = TestServer.start(Dialect.SQLITE, serverDir)) {
            String token = server.newUserToken("ci");
            Map<String, String> env = new HashMap<>();
            env.put("PRIORITY_NOTIFY_TOKEN", token);
            Run run = cli(
                    env,
                    null,
                    "publish",
                    "--server",
                    server.uri("").toString(),
                    "--priority",
                    "high",
                    "--source",
                    "ci",
                    "--tag",
                    "build",
                    "Build failed",
                    "main is red");
            assertThat(run.exit()).as(run.err()).isZero();
            String id = run.out().strip();
            var n = server.get("/api/notifications/" + id, token).json();
            assertThat(n.get("title").asText()).isEqualTo("Build failed");
            assertThat(n.get("message").asText()).isEqualTo("main is red");
            assertThat(n.get("priority").asText()).isEqualTo("high");
            assertThat(n.get("source").asText()).isEqualTo("ci");
            assertThat(n.get("tag").asText()).isEqualTo("build");

            Run refused =
                    cli(Map.of(), null, "publish", "--server", server.uri("").toString(), "--token", "pn_wrong", "x");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("401").contains("unknown or revoked token");
        }
    }
}
