package dev.prioritynotify.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.support.TestServer.Response;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may read {@code /metrics}, through the real application on both databases: with
 * {@code METRICS_TOKEN} only its bearer; without it anyone on a loopback-bound server, and nobody
 * on a server listening on the network.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class MetricsAccessTest {
    private static final String TOKEN = "a scraper's long metrics token";

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    private TestServer start(Map<String, String> settings) {
        return TestServer.start(dialect, tmp, settings, InstantSource.system());
    }

    private static void assertMetrics(Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("jvm_memory_used_bytes");
    }

    private static void assertChallenged(Response r, String detail) {
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.detail()).isEqualTo(detail);
        assertThat(r.raw().headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(r.body()).doesNotContain("jvm_");
    }

    @Test
    void withMetricsToken_onlyItsBearerMayRead_evenOnLoopback() {
        try (TestServer server = start(Map.of("METRICS_TOKEN", TOKEN))) {
            assertChallenged(server.get("/metrics", null), "Authorization: /metrics needs 'Bearer <METRICS_TOKEN>'");
            assertChallenged(server.get("/metrics", "not the token"), "Authorization: wrong METRICS_TOKEN");
            assertChallenged(server.get("/metrics", TOKEN + "x"), "Authorization: wrong METRICS_TOKEN");
            assertChallenged(
                    server.send(server.request("/metrics", null).header("Authorization", "Basic " + TOKEN)),
                    "Authorization: /metrics needs 'Bearer <METRICS_TOKEN>'");
            String userToken = server.newUserToken("alice");
            assertChallenged(server.get("/metrics", userToken), "Authorization: wrong METRICS_TOKEN");

            assertMetrics(server.get("/metrics", TOKEN));
        }
    }

    @Test
    void withoutMetricsToken_aLoopbackBoundServerIsOpen() {
        try (TestServer server = start(Map.of())) {
            assertMetrics(server.get("/metrics", null));
        }
    }

    @Test
    void withoutMetricsToken_aServerOnEveryInterfaceRefuses_sayingWhatToSet() {
        try (TestServer server = start(Map.of("HOST", "0.0.0.0"))) {
            Response r = server.get("/metrics", null);
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.detail())
                    .isEqualTo("METRICS_TOKEN: /metrics is open only on a loopback HOST;"
                            + " set METRICS_TOKEN and scrape with 'Authorization: Bearer <token>'");
            assertThat(server.get("/healthz", null).status())
                    .as("the rest still answers")
                    .isEqualTo(200);
        }
    }

    @Test
    void withMetricsToken_aServerOnEveryInterfaceServesItsBearer() {
        try (TestServer server = start(Map.of("HOST", "0.0.0.0", "METRICS_TOKEN", TOKEN))) {
            assertChallenged(server.get("/metrics", null), "Authorization: /metrics needs 'Bearer <METRICS_TOKEN>'");
            assertMetrics(server.get("/metrics", TOKEN));
        }
    }

    @Test
    void loopbackIsLocalhostOrALoopbackLiteral_andNothingElse() {
        assertThat(MetricsAccess.isLoopback("127.0.0.1")).isTrue();
        assertThat(MetricsAccess.isLoopback("127.0.0.53")).isTrue();
        assertThat(MetricsAccess.isLoopback("::1")).isTrue();
        assertThat(MetricsAccess.isLoopback("[::1]")).isTrue();
        assertThat(MetricsAccess.isLoopback("LocalHost")).isTrue();
        assertThat(MetricsAccess.isLoopback("0.0.0.0")).isFalse();
        assertThat(MetricsAccess.isLoopback("::")).isFalse();
        assertThat(MetricsAccess.isLoopback("192.168.1.10")).isFalse();
        assertThat(MetricsAccess.isLoopback("metrics.example.org")).isFalse();
    }
}
