package dev.prioritynotify.auth.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** The pending sign-ins over the real oidc_logins table, on both databases. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class PendingLoginRepositoryTest {
    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestDatabases.Fresh fresh;
    Database db;
    PendingLoginRepository pending;
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @BeforeEach
    void open() {
        fresh = TestDatabases.fresh(dialect, tmp);
        db = fresh.openMigrated();
        pending = new PendingLoginRepository(db);
    }

    @AfterEach
    void close() {
        db.close();
        fresh.close();
    }

    private PendingLogin login(String next, Duration left) {
        return new PendingLogin("browser-hash", "the nonce", "the verifier", next, now.plus(left));
    }

    @Test
    void aPendingSignIn_isTakenOnce_andThenIsGone() {
        pending.insert("state-hash", login("/after", Duration.ofMinutes(10)), now);

        assertThat(pending.take("state-hash")).contains(login("/after", Duration.ofMinutes(10)));
        assertThat(pending.take("state-hash")).isEmpty();
        assertThat(pending.take("another state")).isEmpty();
    }

    @Test
    void pruning_forgetsOnlyTheExpired() {
        pending.insert("old", login("/old", Duration.ofMinutes(-1)), now);
        pending.insert("fresh", login("/fresh", Duration.ofMinutes(5)), now);

        assertThat(pending.deleteExpired(now)).isEqualTo(1);

        assertThat(pending.take("old")).isEmpty();
        assertThat(pending.take("fresh")).isPresent();
    }
}
