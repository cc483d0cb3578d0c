package dev.prioritynotify.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prioritynotify.support.MutableClock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PendingQrCodesTest {
    private final MutableClock clock = MutableClock.atNow();
    private final PendingQrCodes codes = new PendingQrCodes(clock);

    @Test
    void aCode_isForItsSignInOnly_untilFiveMinutesHavePassed() {
        UUID id = UUID.randomUUID();
        assertThat(codes.hold(id, "session:a", "uri")).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
        assertThat(codes.find(id, "session:a")).hasValue("uri");
        assertThat(codes.find(id, "session:b")).isEmpty();
        assertThat(codes.find(UUID.randomUUID(), "session:a")).isEmpty();
        clock.advance(Duration.ofMinutes(5));
        assertThat(codes.find(id, "session:a")).isEmpty();
    }

    @Test
    void pastItsCapacity_theOldestGoesFirst() {
        UUID first = UUID.randomUUID();
        codes.hold(first, "k", "first");
        UUID second = UUID.randomUUID();
        codes.hold(second, "k", "second");
        for (int i = 2; i < PendingQrCodes.CAPACITY; i++) {
            codes.hold(UUID.randomUUID(), "k", "more");
        }
        assertThat(codes.find(first, "k")).as("at capacity, all are kept").hasValue("first");
        codes.hold(UUID.randomUUID(), "k", "one too many");
        assertThat(codes.find(first, "k")).isEmpty();
        assertThat(codes.find(second, "k")).hasValue("second");
    }

    @Test
    void aForgottenCode_isGone() {
        UUID id = UUID.randomUUID();
        codes.hold(id, "k", "uri");
        codes.forget(id);
        assertThat(codes.find(id, "k")).isEmpty();
    }
}
