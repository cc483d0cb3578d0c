package dev.prioritynotify.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class AppTest {
    @TempDir
    Path tmp;

    @Test
    void aGeneratedSecretKeyIsKeptPrivatelyAndReusedAfterRestart() throws Exception {
        Path keyFile = tmp.resolve("data").resolve("secret_key");
        try (TestServer ignored = TestServer.start(Dialect.SQLITE, tmp)) {
            assertThat(keyFile).exists();
        }
        assertThat(Files.getPosixFilePermissions(keyFile))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        String first = Files.readString(keyFile);
        assertThat(first.strip()).hasSizeGreaterThanOrEqualTo(43);
        try (TestServer ignored = TestServer.start(Dialect.SQLITE, tmp)) {
            assertThat(Files.readString(keyFile)).isEqualTo(first);
        }
    }

    @Test
    void tokensNeverReachTheLogs() {
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        try (TestServer server = TestServer.start(Dialect.SQLITE, tmp)) {
            String token = server.newUserToken("alice");
            server.publish(token, "hello");
            server.get("/api/notifications/", "pn_" + "x".repeat(43));
            server.post("/api/notifications/", token, "{broken");
            server.get("/api/notifications/not-a-uuid", token);
            List<ILoggingEvent> logged;
            synchronized (captured) { // the appender adds under its own lock, from any thread
                logged = List.copyOf(captured.list);
            }
            assertThat(logged).isNotEmpty();
            assertThat(logged).allSatisfy(e -> {
                assertThat(e.getFormattedMessage()).doesNotContain("pn_");
                if (e.getThrowableProxy() != null) {
                    assertThat(e.getThrowableProxy().getMessage()).doesNotContain("pn_");
                }
            });
        } finally {
            root.detachAppender(captured);
        }
    }
}
