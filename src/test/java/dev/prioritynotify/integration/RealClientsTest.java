package dev.prioritynotify.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.TestServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Clients nobody here wrote, sending to us as to a Gotify or ntfy server: Debian's {@code apprise}
 * CLI ({@code gotify://} and {@code ntfy://} URLs) and the npm {@code gotify} package (pinned in
 * {@code src/test/gotify}, installed there with {@code npm ci} when missing). A test is skipped
 * only when its tool is not installed; {@code test.sh} installs both.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class RealClientsTest {
    private static final Path GOTIFY_CLIENT = Path.of(System.getProperty("basedir", "."), "src", "test", "gotify");

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestServer server;
    String token;

    @BeforeEach
    void start() {
        server = TestServer.start(dialect, tmp);
        token = server.newUserToken("alice");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String hostPort() {
        return "127.0.0.1:" + server.app().port();
    }

    private JsonNode latest() {
        return server.get("/api/notifications?limit=1", token)
                .json()
                .get("items")
                .get(0);
    }

    private int total() {
        return server.get("/api/notifications", token).json().get("total").asInt();
    }

    @Test
    void appriseSendsToUsAsAGotifyServer() throws Exception {
        String apprise = executable("apprise");

        Result r = run(
                List.of(
                        apprise,
                        "-vv",
                        "-t",
                        "Backup",
                        "-b",
                        "nas-01 finished",
                        "gotify://" + hostPort() + "/" + token + "?priority=high"),
                null,
                Path.of("."));

        assertThat(r.exitCode()).as(r.output()).isZero();
        JsonNode n = latest();
        assertThat(n.get("title").asText()).isEqualTo("Backup");
        assertThat(n.get("message").asText()).isEqualTo("nas-01 finished");
        assertThat(n.get("priority").asText())
                .as("apprise's high is Gotify's 8")
                .isEqualTo("high");
        assertThat(n.get("source").asText()).isEqualTo("gotify");
    }

    @Test
    void appriseFailsLoudlyWithAWrongGotifyToken() throws Exception {
        String apprise = executable("apprise");

        Result r = run(List.of(apprise, "-b", "x", "gotify://" + hostPort() + "/pn_wrong"), null, Path.of("."));

        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(total()).isZero();
    }

    @Test
    void appriseSendsToUsAsAnNtfyServerWithTheTokenAsPasswordOrAsUser() throws Exception {
        String apprise = executable("apprise");

        Result asPassword = run(
                List.of(
                        apprise,
                        "-vv",
                        "-t",
                        "Deploy",
                        "-b",
                        "web-01 is on 2.4",
                        "ntfy://apprise:" + token + "@" + hostPort()
                                + "/deploys?priority=max&tags=rocket,web&click=https://ci.example/run/9"),
                null,
                Path.of("."));
        assertThat(asPassword.exitCode()).as(asPassword.output()).isZero();
        JsonNode n = latest();
        assertThat(n.get("title").asText()).isEqualTo("Deploy");
        assertThat(n.get("message").asText()).isEqualTo("web-01 is on 2.4");
        assertThat(n.get("source").asText()).isEqualTo("deploys");
        assertThat(n.get("priority").asText()).isEqualTo("critical");
        assertThat(n.get("url").asText()).isEqualTo("https://ci.example/run/9");
        assertThat(n.get("metadata").toString()).isEqualTo("{\"tags\":[\"rocket\",\"web\"]}");

        Result asUser = run(
                List.of(apprise, "-b", "second", "ntfy://" + token + "@" + hostPort() + "/deploys"),
                null,
                Path.of("."));
        assertThat(asUser.exitCode()).as(asUser.output()).isZero();
        assertThat(latest().get("message").asText()).isEqualTo("second");
        assertThat(latest().get("title").asText()).as("no title: the topic").isEqualTo("deploys");
        assertThat(total()).isEqualTo(2);
    }

    @Test
    void theNpmGotifyClientSendsAndReadsOurAnswer() throws Exception {
        String node = executable("node");
        String npm = executable("npm");
        if (!Files.isDirectory(GOTIFY_CLIENT.resolve("node_modules").resolve("gotify"))) {
            Result install = run(List.of(npm, "ci", "--no-audit", "--no-fund"), null, GOTIFY_CLIENT);
            assertThat(install.exitCode())
                    .as("npm ci in %s:%n%s", GOTIFY_CLIENT, install.output())
                    .isZero();
        }
        String message = TestServer.mapper()
                .writeValueAsString(java.util.Map.of(
                        "server",
                        "http://" + hostPort(),
                        "app",
                        token,
                        "title",
                        "From Node",
                        "message",
                        "sent by the gotify package",
                        "priority",
                        10,
                        "extras",
                        java.util.Map.of(
                                "client::notification",
                                java.util.Map.of("click", java.util.Map.of("url", "https://example.org/")))));

        Result r = run(List.of(node, "send.js"), message, GOTIFY_CLIENT);

        assertThat(r.exitCode()).as(r.output()).isZero();
        JsonNode answer = TestServer.mapper().readTree(r.stdout());
        JsonNode n = latest();
        assertThat(answer.get("title").asText()).isEqualTo("From Node");
        assertThat(answer.get("message").asText()).isEqualTo("sent by the gotify package");
        assertThat(answer.get("priority").asInt()).isEqualTo(10);
        assertThat(answer.get("id").isIntegralNumber()).isTrue();
        assertThat(answer.get("date").asText()).isEqualTo(n.get("created_at").asText());
        assertThat(n.get("priority").asText()).isEqualTo("critical");
        assertThat(n.get("url").asText()).isEqualTo("https://example.org/");
    }

    private record Result(int exitCode, String stdout, String output) {}

    private static Result run(List<String> command, String stdin, Path dir) throws Exception {
        Path err = Files.createTempFile("client-stderr", ".txt");
        try {
            ProcessBuilder pb =
                    new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile());
            // apprise must not read a configuration of whoever runs the tests.
            pb.environment()
                    .put("HOME", Files.createTempDirectory("client-home").toString());
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("%s did not finish within 300 s", command.getFirst());
            }
            return new Result(p.exitValue(), stdout, stdout + Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** The program from the PATH (or /usr/bin); the test is skipped when it is not installed. */
    private static String executable(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin" + File.pathSeparator
                + "/usr/local/bin";
        Optional<Path> found = java.util.Arrays.stream(path.split(File.pathSeparator))
                .map(dir -> Path.of(dir.isEmpty() ? "." : dir, name))
                .filter(Files::isExecutable)
                .findFirst();
        Assumptions.assumeTrue(found.isPresent(), name + " is not installed (test.sh installs it)");
        return found.orElseThrow().toString();
    }
}
