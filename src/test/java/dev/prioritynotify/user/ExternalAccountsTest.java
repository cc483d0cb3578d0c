package dev.prioritynotify.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.store.Ids;
import dev.prioritynotify.support.MutableClock;
import dev.prioritynotify.support.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Users vouched for by an identity provider or proxy, over the real users table, on both databases. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class ExternalAccountsTest {
    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestDatabases.Fresh fresh;
    Database db;
    MutableClock clock = MutableClock.atNow();
    UserRepository users;
    ExternalAccounts accounts;

    @BeforeEach
    void open() {
        fresh = TestDatabases.fresh(dialect, tmp);
        db = fresh.openMigrated();
        users = new UserRepository(db);
        accounts = new ExternalAccounts(users, new Ids(clock), clock);
    }

    @AfterEach
    void close() {
        db.close();
        fresh.close();
    }

    @Test
    void theFirstSignInCreatesTheUserUnderIssuerAndSubject() {
        User user = accounts.signIn(new ExternalAccounts.Identity(
                "oidc", "abc-123", Optional.of("a@example.com"), "Alice", Optional.of(true)));

        User stored = users.findBySub("oidc:abc-123").orElseThrow();
        assertThat(stored.id()).isEqualTo(user.id());
        assertThat(stored.email()).isEqualTo("a@example.com");
        assertThat(stored.name()).isEqualTo("Alice");
        assertThat(stored.admin()).isTrue();
        assertThat(stored.lastLoginAt()).isEqualTo(clock.instant());
        assertThat(users.passwordHashOf("oidc:abc-123")).isEmpty();
    }

    @Test
    void aLaterSignInKeepsTheUserAndTakesWhatTheProviderSaysNow() {
        User first = accounts.signIn(new ExternalAccounts.Identity(
                "oidc", "abc-123", Optional.of("a@example.com"), "Alice", Optional.of(true)));
        clock.advance(Duration.ofHours(1));

        User second = accounts.signIn(new ExternalAccounts.Identity(
                "oidc", "abc-123", Optional.of("alice@example.org"), "Alice L.", Optional.of(false)));

        assertThat(second.id()).isEqualTo(first.id());
        User stored = users.findById(first.id()).orElseThrow();
        assertThat(stored.email()).isEqualTo("alice@example.org");
        assertThat(stored.name()).isEqualTo("Alice L.");
        assertThat(stored.admin()).isFalse();
        assertThat(stored.lastLoginAt()).isEqualTo(clock.instant());
        assertThat(users.count()).isEqualTo(1);
    }

    @Test
    void aPartyThatDoesNotSayWhoIsAdminLeavesTheStoredFlagAndEmail() {
        User first = accounts.signIn(
                new ExternalAccounts.Identity("proxy", "bob", Optional.of("b@example.com"), "bob", Optional.empty()));
        users.setAdmin(first.id(), true);

        accounts.signIn(new ExternalAccounts.Identity("proxy", "bob", Optional.empty(), "bob", Optional.empty()));

        User stored = users.findById(first.id()).orElseThrow();
        assertThat(stored.admin()).isTrue();
        assertThat(stored.email()).isEqualTo("b@example.com");
    }

    @Test
    void theSameSubjectFromAnotherPartyIsAnotherUser() {
        User local = new LocalAccounts(users, new Ids(clock), clock).create("carol", false, Optional.empty());
        User viaProxy = accounts.signIn(
                new ExternalAccounts.Identity("proxy", "carol", Optional.empty(), "carol", Optional.empty()));

        assertThat(viaProxy.id()).isNotEqualTo(local.id());
        assertThat(viaProxy.sub()).isEqualTo("proxy:carol");
    }

    @Test
    void anIssuerWithAColonIsRefused() {
        assertThatThrownBy(() -> new ExternalAccounts.Identity("a:b", "x", Optional.empty(), "x", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
