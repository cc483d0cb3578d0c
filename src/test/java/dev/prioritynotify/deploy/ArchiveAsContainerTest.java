package dev.prioritynotify.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prioritynotify.support.ServerProcess;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The container's process without a container engine: the built release archive unpacked and
 * owned by root as the image has it, its ENTRYPOINT and CMD run with the Dockerfile's ENV as the
 * Dockerfile's USER (through setpriv, so only when the tests run as root), its HEALTHCHECK command
 * answering, and SIGTERM (what {@code docker stop} sends) ending it. Skipped until
 * {@code ./mvnw package} has built the archive. It listens on loopback, not on the image's
 * 0.0.0.0, to stay on this machine.
 */
class ArchiveAsContainerTest {
    private static final String UID = "10001";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Path root;
    private Process server;

    @AfterEach
    void cleanUp() throws IOException, InterruptedException {
        if (server != null && server.isAlive()) {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (root != null) {
            Tool.find("rm").orElseThrow().run(Path.of("/"), "-rf", root.toString());
        }
    }

    private static boolean runsAsRoot() {
        return Tool.find("id")
                .map(id -> id.run(Path.of("/"), "-u").out().strip().equals("0"))
                .orElse(false);
    }

    private List<String> asImageUser(Path launcher, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Tool.find("setpriv").orElseThrow().command().getFirst(),
                "--reuid=" + UID,
                "--regid=" + UID,
                "--clear-groups",
                "--",
                launcher.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static ProcessBuilder withEnvironment(ProcessBuilder pb, Map<String, String> env, Path workdir) {
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
        pb.environment().putAll(env);
        return pb.directory(workdir.toFile());
    }

    @Test
    void theImagesCommand_runsFromTheArchiveAsItsUser_isHealthy_andStopsOnSigterm() throws Exception {
        String version = DockerfileTest.pomVersion();
        Path archive = DockerfileTest.ROOT.resolve("target/priority-notify-" + version + ".tar.gz");
        assumeTrue(Files.isRegularFile(archive), "no " + archive + " yet: `./mvnw package` builds it");
        assumeTrue(runsAsRoot() && Tool.find("setpriv").isPresent(), "needs root and setpriv to run as uid " + UID);

        root = Files.createTempDirectory(Path.of("/tmp"), "pn-image-");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path opt = Files.createDirectories(root.resolve("opt"));
        Tool.Result unpacked = Tool.find("tar")
                .orElseThrow()
                .run(root, "-xzf", archive.toString(), "-C", opt.toString(), "--no-same-owner");
        assertThat(unpacked.exit()).as(unpacked.err()).isZero();
        Path home = opt.resolve("priority-notify-" + version);
        Path launcher = home.resolve("bin/priority-notify");
        // RUN install -d -o 10001 -g 10001 -m 0700 /data
        Path data = root.resolve("data");
        Tool.Result made =
                Tool.find("install").orElseThrow().run(root, "-d", "-o", UID, "-g", UID, "-m", "0700", data.toString());
        assertThat(made.exit()).as(made.err()).isZero();

        // ENV of the Dockerfile, with the data directory and port of this test.
        Map<String, String> env = new HashMap<>(DockerfileTest.imageEnvironment());
        int port = ServerProcess.freePort();
        env.put("DATA_DIR", data.toString());
        env.put("PORT", Integer.toString(port));
        env.put("HOST", "127.0.0.1");
        Path log = Files.createDirectories(ServerProcess.LOG_DIR).resolve("archive-as-container.log");

        server = withEnvironment(new ProcessBuilder(asImageUser(launcher, "serve")), env, data)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        URI readyz = URI.create("http://127.0.0.1:" + port + "/readyz");
        await("the server from the archive is ready")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    assertThat(server.isAlive())
                            .as("server exited; log: %s", Files.readString(log))
                            .isTrue();
                    try {
                        return HTTP.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });

        // HEALTHCHECK CMD ["/opt/priority-notify/bin/priority-notify", "healthcheck"], same user and ENV.
        Process check = withEnvironment(new ProcessBuilder(asImageUser(launcher, "healthcheck")), env, data)
                .redirectErrorStream(true)
                .start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(checked).isZero();
        assertThat(checked).contains("healthy: http://127.0.0.1:" + port + "/readyz answered 200");

        // What it wrote is its own, in its data directory only.
        assertThat(Files.getAttribute(data.resolve("priority-notify.db"), "unix:uid"))
                .isEqualTo(Integer.parseInt(UID));
        assertThat(Files.getAttribute(data.resolve("secret_key"), "unix:uid")).isEqualTo(Integer.parseInt(UID));

        // docker stop: SIGTERM to the entrypoint, which is the JVM itself (the launcher execs it).
        server.destroy();
        assertThat(server.waitFor(30, TimeUnit.SECONDS))
                .as("stopped within the 30 s grace period")
                .isTrue();
        assertThat(server.exitValue())
                .as("the JVM's exit on SIGTERM; log: %s", Files.readString(log))
                .isEqualTo(143);
    }
}
