package dev.prioritynotify.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.store.Ids;
import dev.prioritynotify.support.MutableClock;
import dev.prioritynotify.support.TestDatabases;
import dev.prioritynotify.user.LocalAccounts;
import dev.prioritynotify.user.User;
import dev.prioritynotify.user.UserRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class TokenServiceTest {
    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestDatabases.Fresh fresh;
    Database db;
    MutableClock clock = MutableClock.atNow();
    TokenService tokens;
    User alice;

    @BeforeEach
    void open() {
        fresh = TestDatabases.fresh(dialect, tmp);
        db = fresh.openMigrated();
        Ids ids = new Ids(clock);
        tokens = new TokenService(db, ids, clock);
        alice = new LocalAccounts(new UserRepository(db), ids, clock).create("alice", false, Optional.empty());
    }

    @AfterEach
    void close() {
        db.close();
        fresh.close();
    }

    private IssuedToken issue(Optional<Duration> lifetime) {
        return tokens.issue(alice.id(), "laptop", DeviceType.GNOME, EnumSet.of(Scope.READ), lifetime);
    }

    @Test
    void issuedTokensArePrefixedHighEntropyAndStoredOnlyAsSha256() {
        IssuedToken issued = issue(Optional.empty());
        assertThat(issued.plaintext()).matches("pn_[A-Za-z0-9_-]{43}");
        assertThat(issue(Optional.empty()).plaintext()).isNotEqualTo(issued.plaintext());
        List<String> stored = db.jdbi()
                .withHandle(h -> h.createQuery("SELECT token_hash FROM client_tokens")
                        .mapTo(String.class)
                        .list());
        assertThat(stored).contains(TokenService.hash(issued.plaintext()));
        assertThat(stored).noneMatch(s -> s.contains(issued.plaintext().substring(3)));
        assertThat(issued.toString()).doesNotContain(issued.plaintext());
    }

    @Test
    void aValidTokenResolvesToItsOwnerAndScopes() {
        IssuedToken issued = issue(Optional.empty());
        TokenService.Check check = tokens.check(issued.plaintext());
        assertThat(check).isInstanceOf(TokenService.Check.Valid.class);
        ApiToken t = ((TokenService.Check.Valid) check).token();
        assertThat(t.userId()).isEqualTo(alice.id());
        assertThat(t.scopes()).containsExactly(Scope.READ);
        assertThat(t.deviceType()).isEqualTo(DeviceType.GNOME);
    }

    @Test
    void unknownMalformedAndRevokedTokensAreUnknown() {
        IssuedToken issued = issue(Optional.empty());
        assertThat(tokens.check("pn_nope")).isInstanceOf(TokenService.Check.Unknown.class);
        assertThat(tokens.check("not-even-prefixed")).isInstanceOf(TokenService.Check.Unknown.class);
        assertThat(tokens.check(null)).isInstanceOf(TokenService.Check.Unknown.class);
        assertThat(tokens.revoke(issued.token().id())).isTrue();
        assertThat(tokens.check(issued.plaintext())).isInstanceOf(TokenService.Check.Unknown.class);
        assertThat(tokens.revoke(issued.token().id())).isFalse();
    }

    @Test
    void aTokenExpiresExactlyAtItsExpiry() {
        IssuedToken issued = issue(Optional.of(Duration.ofDays(90)));
        assertThat(issued.token().expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(90)));
        clock.advance(Duration.ofDays(90).minusMillis(1));
        assertThat(tokens.check(issued.plaintext())).isInstanceOf(TokenService.Check.Valid.class);
        clock.advance(Duration.ofMillis(1));
        assertThat(tokens.check(issued.plaintext())).isInstanceOf(TokenService.Check.Expired.class);
    }

    @Test
    void lastUsedAtIsWrittenAtMostOncePerMinute() {
        IssuedToken issued = issue(Optional.empty());
        var first = clock.instant();
        tokens.check(issued.plaintext());
        assertThat(lastUsed()).isEqualTo(first);
        clock.advance(Duration.ofSeconds(59));
        tokens.check(issued.plaintext());
        assertThat(lastUsed()).as("not rewritten within the minute").isEqualTo(first);
        clock.advance(Duration.ofSeconds(2));
        tokens.check(issued.plaintext());
        assertThat(lastUsed()).isEqualTo(clock.instant());
    }

    private java.time.Instant lastUsed() {
        return tokens.list(alice.id()).getFirst().lastUsedAt();
    }

    @Test
    void revokingSomeoneElsesTokenDoesNothing() {
        IssuedToken issued = issue(Optional.empty());
        User bob =
                new LocalAccounts(new UserRepository(db), new Ids(clock), clock).create("bob", false, Optional.empty());
        assertThat(tokens.revoke(issued.token().id(), bob.id())).isFalse();
        assertThat(tokens.check(issued.plaintext())).isInstanceOf(TokenService.Check.Valid.class);
    }

    @Test
    void badIssueRequestsAreRefusedWithTheField() {
        assertThatThrownBy(
                        () -> tokens.issue(alice.id(), "", DeviceType.OTHER, EnumSet.of(Scope.READ), Optional.empty()))
                .hasMessageStartingWith("name:");
        assertThatThrownBy(() ->
                        tokens.issue(alice.id(), "x", DeviceType.OTHER, EnumSet.noneOf(Scope.class), Optional.empty()))
                .hasMessageStartingWith("scope:");
        assertThatThrownBy(() -> Scope.parse("admin")).hasMessageContaining("unknown scope 'admin'");
        assertThatThrownBy(() -> DeviceType.parse("toaster")).hasMessageContaining("unknown device type 'toaster'");
    }
}
