package dev.prioritynotify.push;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.webpush.VapidKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Without usable VAPID settings the server still runs: push answers 503 and one log line says why. */
class PushDisabledTest {
    @TempDir
    Path tmp;

    /** The 503 detail of /api/push/vapid-key, or null when push is enabled. */
    private String vapidKeyDetail;

    private List<String> startAndCollectWarnings(Map<String, String> settings, int expectedVapidKeyStatus) {
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        try (TestServer server = TestServer.start(Dialect.SQLITE, tmp, settings, InstantSource.system())) {
            var r = server.get("/api/push/vapid-key", null);
            assertThat(r.status()).isEqualTo(expectedVapidKeyStatus);
            if (expectedVapidKeyStatus == 503) {
                assertThat(r.detail()).startsWith("push: disabled");
                vapidKeyDetail = r.detail();
                assertThat(server.post("/api/push/test", server.newUserToken("bob"), "{}")
                                .detail())
                        .isEqualTo(vapidKeyDetail);
            }
            assertThat(server.get("/healthz", null).status()).isEqualTo(200);
            String token = server.newUserToken("alice");
            assertThat(server.post("/api/notifications/", token, "{\"title\":\"still works\"}")
                            .status())
                    .isEqualTo(201);
        } finally {
            root.detachAppender(captured);
        }
        return captured.list.stream()
                .filter(e -> e.getLevel().toString().equals("WARN"))
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    @Test
    void noKeysAndNoAutogenerationDisablesPush() {
        List<String> warnings = startAndCollectWarnings(
                Map.of("VAPID_SUBJECT", "mailto:ops@example.com", "VAPID_AUTOGENERATE", "false"), 503);
        assertThat(warnings).anyMatch(w -> w.startsWith("VAPID_PRIVATE_KEY: not set and VAPID_AUTOGENERATE=false"));
    }

    @Test
    void aMalformedPrivateKeyDisablesPushWithALineNamingTheVariable() {
        List<String> warnings = startAndCollectWarnings(
                Map.of("VAPID_SUBJECT", "mailto:ops@example.com", "VAPID_PRIVATE_KEY", "not-a-key"), 503);
        assertThat(warnings)
                .singleElement()
                .satisfies(w -> assertThat(w).startsWith("VAPID_PRIVATE_KEY").endsWith("Web Push is disabled"));
        assertThat(warnings.getFirst()).doesNotContain("not-a-key");
    }

    @Test
    void aMalformedPublicKeyDisablesPush() {
        VapidKeys keys = VapidKeys.generate();
        List<String> warnings = startAndCollectWarnings(
                Map.of(
                        "VAPID_SUBJECT",
                        "mailto:ops@example.com",
                        "VAPID_PUBLIC_KEY",
                        "BAAA",
                        "VAPID_PRIVATE_KEY",
                        keys.privateKeyBase64Url()),
                503);
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).startsWith("VAPID_PUBLIC_KEY"));
    }

    @Test
    void aSubjectAtLocalhostIsRefusedBecauseApplePushRejectsIt() {
        List<String> warnings = startAndCollectWarnings(Map.of("VAPID_SUBJECT", "mailto:admin@localhost"), 503);
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).startsWith("VAPID_SUBJECT"));
    }

    @Test
    void noSubjectDisablesPush() {
        List<String> warnings = startAndCollectWarnings(Map.of(), 503);
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).startsWith("VAPID_SUBJECT: not set"));
    }

    @Test
    void theAnswerSaysWhatIsMissingAndWhichSettingFixesIt() {
        startAndCollectWarnings(Map.of(), 503);
        assertThat(vapidKeyDetail)
                .isEqualTo("push: disabled on this server: VAPID_SUBJECT: not set "
                        + "(set it to a mailto: or https: contact for push services; an https BASE_URL also serves)");
    }

    @Test
    void withoutKeysTheAnswerNamesTheKeySettings() {
        startAndCollectWarnings(Map.of("VAPID_SUBJECT", "mailto:ops@example.com", "VAPID_AUTOGENERATE", "false"), 503);
        assertThat(vapidKeyDetail)
                .startsWith("push: disabled on this server: VAPID_PRIVATE_KEY: not set")
                .contains("VAPID_PRIVATE_KEY_FILE");
    }

    @Test
    void keysFromTheEnvironmentAndFromASecretFileAreServed() throws Exception {
        VapidKeys keys = VapidKeys.generate();
        Path secret = tmp.resolve("vapid.key");
        Files.writeString(secret, keys.privateKeyBase64Url() + "\n");
        try (TestServer server = TestServer.start(
                Dialect.SQLITE,
                tmp.resolve("a"),
                Map.of(
                        "VAPID_SUBJECT",
                        "https://notify.example.com",
                        "VAPID_PUBLIC_KEY",
                        keys.publicKeyBase64Url(),
                        "VAPID_PRIVATE_KEY_FILE",
                        secret.toString()),
                InstantSource.system())) {
            assertThat(server.get("/api/push/vapid-key", null)
                            .json()
                            .get("publicKey")
                            .asText())
                    .isEqualTo(keys.publicKeyBase64Url());
            assertThat(server.get("/api/push/vapid-key", null).body()).doesNotContain(keys.privateKeyBase64Url());
        }
    }
}
