package dev.prioritynotify.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.prioritynotify.support.ServerProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as an operator gets it: tools/package-release.sh (what {@code ./mvnw
 * package} runs) builds {@code priority-notify-<version>.tar.gz} with a jlinked runtime, the
 * archive is unpacked elsewhere, and its {@code bin/priority-notify} answers {@code --version} and
 * serves until {@code /readyz} says ready, with no JDK on the PATH or in JAVA_HOME (Java 17 there
 * when the machine has one). In the test phase there is no shaded jar yet, so the jar packaged is
 * a manifest-only one whose Class-Path names target/classes and the runtime dependencies
 * (target/runtime-classpath.txt, written by the build); the AOT training is left out here
 * (--no-train, it takes a minute), the package build does it. About 30-60 s, mostly jlink.
 */
@Tag("release")
class ReleaseArchiveTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String VERSION = buildVersion();

    @TempDir
    static Path work;

    static Path home;

    @BeforeAll
    static void buildAndUnpack() throws Exception {
        Path jar = manifestJar(work.resolve("app.jar"));
        Path out = Files.createDirectories(work.resolve("out"));
        run(
                List.of(
                        "bash",
                        ROOT.resolve("tools/package-release.sh").toString(),
                        "--jar",
                        jar.toString(),
                        "--version",
                        VERSION,
                        "--out",
                        out.toString(),
                        "--no-train"),
                Map.of("JAVA_HOME", System.getProperty("java.home")),
                Duration.ofMinutes(4));
        Path archive = out.resolve("priority-notify-" + VERSION + ".tar.gz");
        assertThat(archive).isRegularFile();
        // Unpacked somewhere else than where it was built: the launcher finds its home itself.
        Path unpacked = Files.createDirectories(work.resolve("opt"));
        run(List.of("tar", "-xzf", archive.toString(), "-C", unpacked.toString()), Map.of(), Duration.ofMinutes(2));
        home = unpacked.resolve("priority-notify-" + VERSION);
    }

    @Test
    void hasTheLayoutTheDeploymentFilesRelyOn() {
        assertThat(home.resolve("bin/priority-notify")).isExecutable();
        assertThat(home.resolve("lib/priority-notify.jar")).isRegularFile();
        assertThat(home.resolve("conf/jvm.options")).isRegularFile();
        assertThat(home.resolve("runtime/bin/java")).isExecutable();
        assertThat(home.resolve("README.md")).isRegularFile();
    }

    @Test
    void versionPrintsTheVersionAndTheCommitOnTheBundledRuntime() throws Exception {
        String out = run(
                List.of(home.resolve("bin/priority-notify").toString(), "--version"), hostEnv(), Duration.ofMinutes(1));
        assertThat(out.strip())
                .matches("priority-notify " + VERSION.replace(".", "\\.") + " \\(commit ([0-9a-f]+|unknown)\\)");
    }

    @Test
    void servesUntilReadyFromTheArchive() throws Exception {
        int port = ServerProcess.freePort();
        Map<String, String> env = new java.util.HashMap<>(hostEnv());
        env.put("DATA_DIR", work.resolve("data").toString());
        env.put("HOST", "127.0.0.1");
        env.put("PORT", Integer.toString(port));
        env.put("LOG_FORMAT", "text");
        Path log = work.resolve("serve.log");
        ProcessBuilder pb = new ProcessBuilder(
                        home.resolve("bin/priority-notify").toString(), "serve")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process server = pb.start();
        try {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
            HttpRequest readyz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                    .timeout(Duration.ofSeconds(5))
                    .build();
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        assertThat(server.isAlive())
                                .as("server alive; log:%n%s", read(log))
                                .isTrue();
                        try {
                            return http.send(readyz, HttpResponse.BodyHandlers.discarding())
                                            .statusCode()
                                    == 200;
                        } catch (IOException notYet) {
                            return false;
                        }
                    });
            // The jlinked runtime has what the push crypto needs: ACCP on the platforms it is
            // built for, else the one line that says the JDK's providers serve instead.
            assertThat(read(log)).contains("push crypto: ");
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** PATH without any JDK and JAVA_HOME at Java 17 when the machine has one: the archive must not care. */
    private static Map<String, String> hostEnv() {
        Path java17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        return Files.isDirectory(java17)
                ? Map.of("PATH", "/usr/bin:/bin", "JAVA_HOME", java17.toString(), "HOME", work.toString())
                : Map.of("PATH", "/usr/bin:/bin", "HOME", work.toString());
    }

    /** A jar of nothing but a manifest: Main-Class, and a Class-Path of target/classes and the runtime jars. */
    private static Path manifestJar(Path jar) throws IOException {
        List<String> classPath = new ArrayList<>();
        classPath.add(ROOT.resolve("target/classes").toUri().toString());
        for (String entry : Files.readString(ROOT.resolve("target/runtime-classpath.txt"))
                .strip()
                .split(java.io.File.pathSeparator)) {
            if (!entry.isBlank()) {
                classPath.add(Path.of(entry).toUri().toString());
            }
        }
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, "dev.prioritynotify.cli.Main");
        main.put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
        main.putValue("Enable-Native-Access", "ALL-UNNAMED");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            // the manifest is the whole jar
        }
        return jar;
    }

    private static String buildVersion() {
        Properties build = new Properties();
        try (var in = Main.class.getResourceAsStream("build.properties")) {
            assertThat(in).as("build.properties, written by the build").isNotNull();
            build.load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return build.getProperty("version");
    }

    private static String run(List<String> command, Map<String, String> env, Duration within)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(work, "run", ".log");
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(within.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not end within " + within + ":\n" + read(log));
        }
        String out = read(log);
        assertThat(p.exitValue())
                .as("%s exit status; output:%n%s", command, out)
                .isZero();
        return out;
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
