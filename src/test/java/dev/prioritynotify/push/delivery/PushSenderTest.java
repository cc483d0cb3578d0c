package dev.prioritynotify.push.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prioritynotify.config.Config;
import dev.prioritynotify.config.Settings;
import dev.prioritynotify.notification.Priority;
import dev.prioritynotify.push.subscription.EndpointPolicy;
import dev.prioritynotify.support.MutableClock;
import dev.prioritynotify.webpush.CryptoProviders;
import dev.prioritynotify.webpush.VapidKeys;
import dev.prioritynotify.webpush.VapidSigner;
import dev.prioritynotify.webpush.WebPushEncryption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PushSenderTest {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    PushSender sender = new PushSender(
            new WebPushEncryption(CryptoProviders.jdk()),
            new VapidSigner(VapidKeys.generate(), "mailto:ops@example.com", CryptoProviders.jdk(), clock),
            new EndpointPolicy(List.of("127.0.0.1"), true),
            Config.from(Settings.of(Map.of())).push(),
            clock);

    /** The sender owns a started Jetty client (threads, selectors): every test's sender is closed. */
    @AfterEach
    void closeSender() {
        sender.close();
    }

    @Test
    void answersAreClassifiedAsTheDeliveryQueueNeedsThem() {
        assertThat(sender.classify(201, Optional.empty(), "")).isEqualTo(new SendResult.Delivered(201));
        assertThat(sender.classify(202, Optional.empty(), "")).isEqualTo(new SendResult.Delivered(202));
        assertThat(sender.classify(404, Optional.empty(), "")).isEqualTo(new SendResult.Gone(404));
        assertThat(sender.classify(410, Optional.empty(), "")).isEqualTo(new SendResult.Gone(410));
        assertThat(sender.classify(429, Optional.of("2"), ""))
                .isEqualTo(new SendResult.RetryAfter(Duration.ofSeconds(2)));
        assertThat(sender.classify(503, Optional.empty(), "")).isInstanceOf(SendResult.Retryable.class);
        assertThat(sender.classify(401, Optional.empty(), "bad jwt"))
                .isEqualTo(new SendResult.Rejected(401, "push service answered 401: bad jwt"));
        assertThat(sender.classify(403, Optional.empty(), "")).isInstanceOf(SendResult.Rejected.class);
        assertThat(sender.classify(413, Optional.empty(), "")).isInstanceOf(SendResult.Rejected.class);
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        assertThat(sender.parseRetryAfter("120")).isEqualTo(Duration.ofMinutes(2));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                clock.instant().plusSeconds(90).atOffset(ZoneOffset.UTC));
        assertThat(sender.parseRetryAfter(date)).isEqualTo(Duration.ofSeconds(90));
        assertThat(sender.parseRetryAfter("whenever")).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void topicsAreBase64UrlSafeAndAtMost32Characters() {
        assertThat(PushSender.topic("disk")).isEqualTo("disk");
        String hashed = PushSender.topic("backup: nightly / host web-01");
        assertThat(hashed).matches("[A-Za-z0-9_-]{32}");
        assertThat(PushSender.topic("backup: nightly / host web-01")).isEqualTo(hashed);
        assertThat(PushSender.topic("x".repeat(33))).hasSize(32).isNotEqualTo("x".repeat(32));
    }

    @Test
    void urgencyAndTtlFollowThePriority() {
        assertThat(PushSender.urgency(Priority.LOW)).isEqualTo("low");
        assertThat(PushSender.urgency(Priority.MEDIUM)).isEqualTo("normal");
        assertThat(PushSender.urgency(Priority.HIGH)).isEqualTo("high");
        assertThat(PushSender.urgency(Priority.CRITICAL)).isEqualTo("high");
        assertThat(sender.ttl(Priority.CRITICAL)).isGreaterThan(sender.ttl(Priority.HIGH));
        assertThat(sender.ttl(Priority.LOW)).isEqualTo(Duration.ofHours(1));
    }
}
