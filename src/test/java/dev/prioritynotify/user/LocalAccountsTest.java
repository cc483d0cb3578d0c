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

/** Local accounts over the real users table, on both databases. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class LocalAccountsTest {
    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestDatabases.Fresh fresh;
    Database db;
    MutableClock clock = MutableClock.atNow();
    UserRepository users;
    LocalAccounts accounts;

    @BeforeEach
    void open() {
        fresh = TestDatabases.fresh(dialect, tmp);
        db = fresh.openMigrated();
        users = new UserRepository(db);
        accounts = new LocalAccounts(users, new Ids(clock), clock);
    }

    @AfterEach
    void close() {
        db.close();
        fresh.close();
    }

    @Test
    void aCreatedAccount_isStoredUnderItsLocalSubjectAndFoundByName() {
        User alice = accounts.create("alice", true, Optional.empty());

        assertThat(alice.sub()).isEqualTo("local:alice");
        assertThat(alice.name()).isEqualTo("alice");
        assertThat(alice.admin()).isTrue();
        assertThat(alice.email()).isNull();
        assertThat(alice.createdAt()).isEqualTo(clock.instant());
        assertThat(accounts.find("alice")).contains(alice);
        assertThat(users.findById(alice.id())).contains(alice);
        assertThat(accounts.find("bob")).isEmpty();
    }

    @Test
    void aTakenName_isRefusedAndTheFirstAccountStaysAsItWas() {
        User first = accounts.create("alice", false, Optional.empty());

        assertThatThrownBy(() -> accounts.create("alice", true, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("user 'alice' already exists");
        assertThat(users.list()).containsExactly(first);
    }

    @Test
    void aMalformedName_isRefusedWithTheRule() {
        String rule = "username must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";
        for (String bad : new String[] {"", "-alice", ".alice", "al ice", "alice@example.com", "ä", "a".repeat(65)}) {
            assertThatThrownBy(() -> accounts.create(bad, false, Optional.empty()))
                    .as("'%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(rule);
        }
        assertThat(accounts.create("a".repeat(64), false, Optional.empty()).name())
                .hasSize(64);
        assertThat(accounts.create("0k.name_with-all", false, Optional.empty()).name())
                .isEqualTo("0k.name_with-all");
        assertThat(users.list()).hasSize(2);
    }

    @Test
    void aPasswordShorterThanEightCharacters_isRefusedAndNothingIsStored() {
        assertThatThrownBy(() -> accounts.create("alice", false, Optional.of("seven77".toCharArray())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("password must be at least 8 characters");
        assertThat(users.list()).isEmpty();
        assertThat(accounts.create("alice", false, Optional.of("eight888".toCharArray()))
                        .name())
                .isEqualTo("alice");
    }

    @Test
    void accounts_areListedInTheOrderTheyWereCreated() {
        User carol = accounts.create("carol", false, Optional.empty());
        clock.advance(Duration.ofMillis(1));
        User alice = accounts.create("alice", false, Optional.empty());
        clock.advance(Duration.ofMillis(1));
        User bob = accounts.create("bob", false, Optional.empty());

        assertThat(users.listIds()).containsExactly(carol.id(), alice.id(), bob.id());
        assertThat(users.list()).containsExactlyInAnyOrder(carol, alice, bob);
    }
}
