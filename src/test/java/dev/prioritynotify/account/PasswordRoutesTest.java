package dev.prioritynotify.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.Browser;
import dev.prioritynotify.support.MutableClock;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.support.TestServer.Response;
import dev.prioritynotify.user.User;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code POST /api/me/password} through the real application on both databases. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class PasswordRoutesTest {
    private static final String OLD = "alice's old password";
    private static final String NEW = "alice's new password";

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    MutableClock clock = MutableClock.atNow();
    TestServer server;
    User alice;

    @BeforeEach
    void start() {
        server = TestServer.start(dialect, tmp, Map.of(), clock);
        alice = server.app().services().accounts().create("alice", false, Optional.of(OLD.toCharArray()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String change(String current, String next) {
        return "{\"current_password\":\"" + current + "\",\"new_password\":\"" + next + "\"}";
    }

    private int signInStatus(String password) {
        return Browser.login(server, Browser.originOf(server), "alice", password)
                .status();
    }

    @Test
    void changingThePassword_keepsThisSession_endsTheOthers_andLeavesTokensAlone() {
        Browser here = Browser.signIn(server, "alice", OLD);
        Browser elsewhere = Browser.signIn(server, "alice", OLD);
        String token = server.token(alice);

        Response r = here.post("/api/me/password", change(OLD, NEW));
        assertThat(r.status()).as(r.body()).isEqualTo(204);

        assertThat(here.get("/api/me").status()).isEqualTo(200);
        assertThat(elsewhere.get("/api/me").status()).isEqualTo(401);
        assertThat(server.get("/api/me", token).status()).isEqualTo(200);
        assertThat(signInStatus(OLD)).isEqualTo(401);
        assertThat(signInStatus(NEW)).isEqualTo(303);
    }

    @Test
    void aWrongCurrentPassword_isRefused_andChangesNothing() {
        Browser here = Browser.signIn(server, "alice", OLD);
        Browser elsewhere = Browser.signIn(server, "alice", OLD);
        Response r = here.post("/api/me/password", change("not it at all", NEW));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.detail()).isEqualTo("current_password: is not this account's password");
        assertThat(elsewhere.get("/api/me").status()).isEqualTo(200);
        assertThat(signInStatus(OLD)).isEqualTo(303);
    }

    @Test
    void tenWrongCurrentPasswordsInAMinute_answer429_untilTheWindowEnds() {
        Browser here = Browser.signIn(server, "alice", OLD);
        for (int i = 0; i < 10; i++) {
            assertThat(here.post("/api/me/password", change("guess " + i, NEW)).status())
                    .isEqualTo(403);
        }
        Response limited = here.post("/api/me/password", change(OLD, NEW));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.raw().headers().firstValue("Retry-After")).isPresent();
        clock.advance(Duration.ofMinutes(1));
        assertThat(here.post("/api/me/password", change(OLD, NEW)).status()).isEqualTo(204);
    }

    @Test
    void badInput_andATokenCaller_areRefused() {
        Browser here = Browser.signIn(server, "alice", OLD);
        Response tooShort = here.post("/api/me/password", change(OLD, "short"));
        assertThat(tooShort.status()).isEqualTo(422);
        assertThat(tooShort.detail()).isEqualTo("new_password: must be at least 8 characters");
        Response missing = here.post("/api/me/password", "{\"new_password\":\"" + NEW + "\"}");
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.detail()).isEqualTo("current_password: is required");

        Response token = server.post("/api/me/password", server.token(alice), change(OLD, NEW));
        assertThat(token.status()).isEqualTo(403);
        assertThat(token.detail()).isEqualTo("Authorization: this needs a signed-in session, not an API token");
        assertThat(signInStatus(OLD)).isEqualTo(303);
    }
}
