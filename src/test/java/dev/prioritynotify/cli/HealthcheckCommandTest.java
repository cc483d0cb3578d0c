package dev.prioritynotify.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.ServerProcess;
import dev.prioritynotify.support.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code healthcheck} as a container's HEALTHCHECK runs it: a separate process with the server's environment. */
class HealthcheckCommandTest {
    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    private Run healthcheck(Map<String, String> env) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "healthcheck"));
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
        pb.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
        pb.environment().putAll(env);
        Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        try {
            var err = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return new Run(p.exitValue(), out, err.join());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aReadyServer_isHealthy() throws Exception {
        try (TestServer server = TestServer.start(Dialect.SQLITE, tmp)) {
            Run run = healthcheck(Map.of(
                    "HOST", "127.0.0.1", "PORT", Integer.toString(server.app().port())));

            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out())
                    .isEqualTo("healthy: http://127.0.0.1:" + server.app().port() + "/readyz answered 200\n");
        }
    }

    @Test
    void aWildcardHost_isAskedOnLoopback_withAHostThatAllowedHostsAccepts() throws Exception {
        Map<String, String> settings = Map.of("ALLOWED_HOSTS", "notify.example.com, other.example.com");
        try (TestServer server = TestServer.start(Dialect.SQLITE, tmp, settings, java.time.InstantSource.system())) {
            String port = Integer.toString(server.app().port());
            // The server refuses a Host it does not list, /readyz included: a plain loopback request is turned away.
            TestServer.Response refused = server.get("/readyz", null);
            assertThat(refused.status()).isEqualTo(422);
            assertThat(refused.detail()).isEqualTo("Host: '127.0.0.1' is not in ALLOWED_HOSTS");

            Run run = healthcheck(
                    Map.of("HOST", "0.0.0.0", "PORT", port, "ALLOWED_HOSTS", "notify.example.com, other.example.com"));

            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).isEqualTo("healthy: http://127.0.0.1:" + port + "/readyz answered 200\n");
        }
    }

    @Test
    void aServerThatIsNotReady_isUnhealthy_andItsDetailIsShown() throws Exception {
        HttpServer fake = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        fake.createContext("/readyz", exchange -> {
            byte[] body = "{\"detail\":\"database: unreachable\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        fake.start();
        try {
            String port = Integer.toString(fake.getAddress().getPort());
            Run run = healthcheck(Map.of("HOST", "127.0.0.1", "PORT", port));

            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.out()).isEmpty();
            assertThat(run.err())
                    .isEqualTo("unhealthy: http://127.0.0.1:" + port
                            + "/readyz answered 503: {\"detail\":\"database: unreachable\"}\n");
        } finally {
            fake.stop(0);
        }
    }

    @Test
    void nothingListening_isUnhealthy_namingTheAddress() throws Exception {
        String port = Integer.toString(ServerProcess.freePort());

        Run run = healthcheck(Map.of("PORT", port));

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err())
                .startsWith("unhealthy: cannot ask http://127.0.0.1:" + port + "/readyz (ConnectException");
    }

    @Test
    void aBadSetting_isUnhealthy_notDockersReservedExitTwo() throws Exception {
        Run run = healthcheck(Map.of("PORT", "eighty"));

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("unhealthy: PORT: must be a whole number, got 'eighty'\n");
    }

    @Test
    void wildcardAndBracketedHosts_mapToTheLoopbackThatReachesThem() {
        assertThat(HealthcheckCommand.connectHost("0.0.0.0")).isEqualTo("127.0.0.1");
        assertThat(HealthcheckCommand.connectHost("::")).isEqualTo("::1");
        assertThat(HealthcheckCommand.connectHost("[::]")).isEqualTo("::1");
        assertThat(HealthcheckCommand.connectHost("[fd00::5]")).isEqualTo("fd00::5");
        assertThat(HealthcheckCommand.connectHost("10.0.0.5")).isEqualTo("10.0.0.5");
        assertThat(HealthcheckCommand.hostHeader(List.of())).isEqualTo("localhost");
        assertThat(HealthcheckCommand.hostHeader(List.of("*"))).isEqualTo("localhost");
        assertThat(HealthcheckCommand.hostHeader(List.of("notify.example.com"))).isEqualTo("notify.example.com");
    }
}
