package dev.prioritynotify.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prioritynotify.cli.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The real server as a separate JVM ({@code Main serve}, the test classpath), as an operator runs
 * it: configured only by environment variables, on a port of its own, its output written to
 * {@code target/process-logs/<name>.log} for reading after a failure. {@link #kill()} is
 * {@code kill -9}; {@link #close()} kills whatever is still running, so a test that puts it in
 * try-with-resources or {@code @AfterEach} never leaves a process behind.
 */
public final class ServerProcess implements AutoCloseable {
    public static final Path LOG_DIR = Path.of("target", "process-logs");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final Process process;
    private final Path log;
    private final int port;

    private ServerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** A port nothing listens on right now (bound and released), for a server or a push service. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code serve} on a free port with {@code env} (plus HOST, PORT) and waits, bounded, until it is ready. */
    public static ServerProcess start(String name, Map<String, String> env, Duration readyWithin)
            throws IOException, InterruptedException {
        int port = freePort();
        Map<String, String> all = new HashMap<>(env);
        all.put("HOST", "127.0.0.1");
        all.put("PORT", Integer.toString(port));
        all.putIfAbsent("LOG_FORMAT", "text");
        Files.createDirectories(LOG_DIR);
        Path log = LOG_DIR.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(javaCommand("serve"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
        pb.environment().putAll(all);
        Files.writeString(
                log,
                "---- started " + java.time.Instant.now() + "\n",
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        ServerProcess server = new ServerProcess(pb.start(), log, port);
        try {
            server.awaitReady(readyWithin);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Runs a CLI command ({@code user create ...}) to completion, bounded; returns its stdout, failing on a non-zero exit. */
    public static String cli(Map<String, String> env, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(javaCommand(args));
        pb.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
        pb.environment().putAll(env);
        Files.createDirectories(LOG_DIR);
        Path err = Files.createTempFile(LOG_DIR, "cli-", ".err");
        pb.redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        try {
            var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("CLI " + List.of(args) + " did not finish within 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(
                        "CLI " + List.of(args) + " exited " + p.exitValue() + ": " + Files.readString(err));
            }
            Files.deleteIfExists(err);
            return out.join();
        } finally {
            p.destroyForcibly();
        }
    }

    private static List<String> javaCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xmx512m",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private void awaitReady(Duration within) {
        try {
            await("server ready")
                    .atMost(within)
                    .pollInterval(Duration.ofMillis(100))
                    .until(this::isReady);
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("server not ready within " + within + "; log: " + tail(), e);
        }
    }

    /** True once {@code /readyz} answers 200; fails at once (ending the wait) when the process has exited. */
    private boolean isReady() throws InterruptedException {
        if (!process.isAlive()) {
            throw new IllegalStateException("server exited with " + process.exitValue() + "; log: " + tail());
        }
        try {
            return get("/readyz", null).status() == 200;
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** The last lines of the log, for failure messages. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** {@code kill -9}: no shutdown hook, no grace, nothing flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("process " + process.pid() + " still alive 10 s after SIGKILL");
        }
    }

    /** SIGTERM; true when the process ended by itself within {@code grace} (otherwise it is left running). */
    public boolean terminate(Duration grace) throws InterruptedException {
        process.destroy();
        return process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SIGTERM and a bounded wait for the orderly shutdown; SIGKILL after that. */
    public void stop(Duration grace) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public record Response(int status, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (" + status + "): " + body, e);
            }
        }
    }

    /**
     * The sum of a metric's samples on {@code /metrics} (Prometheus text) whose labels contain
     * {@code labels}, e.g. {@code result="delivered"}; "" for every sample.
     */
    public double metric(String name, String labels) throws IOException, InterruptedException {
        Response r = get("/metrics", null);
        if (r.status() != 200) {
            throw new IllegalStateException("/metrics answered " + r.status() + ": " + r.body());
        }
        return r.body()
                .lines()
                .filter(l -> (l.startsWith(name + "{") || l.startsWith(name + " ")) && l.contains(labels))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    public Response get(String path, String token) throws IOException, InterruptedException {
        return send(request(path, token).GET());
    }

    public Response post(String path, String token, String json) throws IOException, InterruptedException {
        return send(request(path, token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(15));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private static Response send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body());
    }
}
