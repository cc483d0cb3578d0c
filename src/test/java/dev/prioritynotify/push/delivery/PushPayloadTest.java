package dev.prioritynotify.push.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prioritynotify.config.Config;
import dev.prioritynotify.config.Secret;
import dev.prioritynotify.http.Json;
import dev.prioritynotify.notification.ActionTokens;
import dev.prioritynotify.notification.Notification;
import dev.prioritynotify.notification.Priority;
import dev.prioritynotify.notification.Status;
import dev.prioritynotify.webpush.WebPushEncryption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What a push carries: the notification, shortened to one record, and its "Mark as read" capability. */
class PushPayloadTest {
    private static final ObjectMapper MAPPER = Json.mapper();
    private final ActionTokens tokens = new ActionTokens(
            new Secret("a secret key of at least thirty-two characters"), Duration.ofDays(8), InstantSource.system());
    private final PushPayload payloads = new PushPayload(
            MAPPER,
            new Config.Push.Payload(Config.PayloadMode.FULL, Map.of(), "/static/icon-192.png", "/static/badge-72.png"),
            n -> tokens.issue(n.userId(), n.id(), ActionTokens.Action.READ));

    private static Notification notification(String message) {
        return new Notification(
                UUID.randomUUID(),
                UUID.randomUUID(),
                "Disk full",
                message,
                Priority.CRITICAL,
                Status.UNREAD,
                "monitoring",
                null,
                null,
                null,
                Instant.now(),
                null);
    }

    @Test
    void thePayloadCarriesATokenThatMarksThisNotificationRead() throws Exception {
        Notification n = notification("web-01 at 95%");

        JsonNode data = MAPPER.readTree(payloads.of(n)).get("data");

        assertThat(data.get("notification_id").asText()).isEqualTo(n.id().toString());
        String token = data.get("read_token").asText();
        assertThat(tokens.check(token, n.userId(), n.id(), ActionTokens.Action.READ))
                .isEqualTo(ActionTokens.Check.VALID);
        assertThat(tokens.check(token, n.userId(), UUID.randomUUID(), ActionTokens.Action.READ))
                .isEqualTo(ActionTokens.Check.INVALID);
    }

    @Test
    void aLongBodyIsShortenedButTheTokenIsKeptWhole() throws Exception {
        Notification n = notification("x".repeat(10_000));

        byte[] payload = payloads.of(n);

        assertThat(payload.length).isLessThanOrEqualTo(WebPushEncryption.MAX_PLAINTEXT_LENGTH);
        JsonNode json = MAPPER.readTree(payload);
        assertThat(json.get("body").asText()).endsWith("…");
        assertThat(tokens.check(
                        json.get("data").get("read_token").asText(), n.userId(), n.id(), ActionTokens.Action.READ))
                .isEqualTo(ActionTokens.Check.VALID);
    }
}
