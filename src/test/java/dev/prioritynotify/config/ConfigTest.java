package dev.prioritynotify.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
    @TempDir
    Path tmp;

    @Test
    void noConfigurationAtAllGivesWorkingDefaults() {
        Config c = Config.from(Settings.of(Map.of()));
        assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(c.database().jdbcUrl()).isEqualTo("jdbc:sqlite:./data/priority-notify.db");
        assertThat(c.server().port()).isEqualTo(8000);
        assertThat(c.secretKey()).isEmpty();
        assertThat(c.stream().heartbeat()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.retention().days()).isZero();
    }

    @Test
    void durationsAcceptShortFormsAndIso8601() {
        assertThat(Settings.parseDuration("X", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Settings.parseDuration("X", "10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Settings.parseDuration("X", "12h")).isEqualTo(Duration.ofHours(12));
        assertThat(Settings.parseDuration("X", "90d")).isEqualTo(Duration.ofDays(90));
        assertThat(Settings.parseDuration("X", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Settings.parseDuration("X", "PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> Settings.parseDuration("STREAM_HEARTBEAT", "soon"))
                .hasMessage("STREAM_HEARTBEAT: must be a duration like 30s, 10m, 12h, 90d or PT30S, got 'soon'");
    }

    @Test
    void sizesAcceptBinaryAndDecimalUnits() {
        Settings s = Settings.of(Map.of("A", "64KiB", "B", "1MiB", "C", "512", "D", "2MB", "E", "lots"));
        assertThat(s.size("A", 0)).isEqualTo(65536);
        assertThat(s.size("B", 0)).isEqualTo(1048576);
        assertThat(s.size("C", 0)).isEqualTo(512);
        assertThat(s.size("D", 0)).isEqualTo(2_000_000);
        assertThatThrownBy(() -> s.size("E", 0)).hasMessageStartingWith("E: must be a size");
    }

    @Test
    void badValuesNameTheVariable() {
        assertThatThrownBy(() -> Config.from(Settings.of(Map.of("PORT", "eighty"))))
                .hasMessage("PORT: must be a whole number, got 'eighty'");
        assertThatThrownBy(() -> Config.from(Settings.of(Map.of("PORT", "70000"))))
                .hasMessage("PORT: must be between 0 and 65535, got 70000");
        assertThatThrownBy(() -> Config.from(Settings.of(Map.of("LOG_LEVEL", "LOUD"))))
                .hasMessageStartingWith("LOG_LEVEL:");
        assertThatThrownBy(() -> Config.from(Settings.of(Map.of("LOG_FORMAT", "xml"))))
                .hasMessage("LOG_FORMAT: must be one of [auto, json, text], got 'xml'");
        assertThatThrownBy(() -> Config.from(Settings.of(Map.of("RETENTION_MODE", "shred"))))
                .hasMessageStartingWith("RETENTION_MODE:");
        assertThatThrownBy(() -> Config.from(Settings.of(Map.of("SECRET_KEY", "short"))))
                .hasMessage("SECRET_KEY: must be at least 32 characters");
        assertThatThrownBy(() -> Config.from(Settings.of(Map.of("BASE_URL", "notify.example"))))
                .hasMessageStartingWith("BASE_URL:");
        assertThatThrownBy(() -> Config.from(Settings.of(Map.of("DATABASE_URL", "mysql://x/y"))))
                .hasMessageStartingWith("DATABASE_URL: unsupported database 'mysql'");
        assertThatThrownBy(() -> Config.from(Settings.of(Map.of("STREAM_HEARTBEAT", "0s"))))
                .hasMessage("STREAM_HEARTBEAT: must be greater than zero");
    }

    @Test
    void databaseUrlsInEveryAcceptedForm() {
        assertThat(url("sqlite:///data/x.db")).isEqualTo("jdbc:sqlite:data/x.db");
        assertThat(url("sqlite:////var/lib/pn/x.db")).isEqualTo("jdbc:sqlite:/var/lib/pn/x.db");
        assertThat(url("sqlite+aiosqlite:///./data/priority_notify.db"))
                .isEqualTo("jdbc:sqlite:./data/priority_notify.db");
        assertThat(url("jdbc:postgresql://db:5432/pn")).isEqualTo("jdbc:postgresql://db:5432/pn");
        DatabaseConfig pg = Config.from(
                        Settings.of(Map.of("DATABASE_URL", "postgresql://pn:s%40cret@db.local:5433/notify")))
                .database();
        assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://db.local:5433/notify");
        assertThat(pg.user()).contains("pn");
        assertThat(pg.password().orElseThrow().value()).isEqualTo("s@cret");
        assertThat(pg.toString()).doesNotContain("s@cret");
        assertThat(pg.isPostgres()).isTrue();
    }

    private static String url(String raw) {
        return Config.from(Settings.of(Map.of("DATABASE_URL", raw))).database().jdbcUrl();
    }

    @Test
    void environmentWinsOverDotEnvWhichFillsTheRest() throws Exception {
        Files.writeString(tmp.resolve(".env"), """
                # comment
                export PORT=9000
                LOG_LEVEL="DEBUG"
                HOST='127.0.0.1'
                """);
        Config c = Config.from(Settings.load(Map.of("PORT", "9100"), tmp));
        assertThat(c.server().port()).isEqualTo(9100);
        assertThat(c.logging().level()).isEqualTo("DEBUG");
        assertThat(c.server().host()).isEqualTo("127.0.0.1");
    }

    @Test
    void secretsCanComeFromFiles() throws Exception {
        Path secret = tmp.resolve("secret");
        Files.writeString(secret, "0123456789abcdef0123456789abcdef\n");
        Config c = Config.from(Settings.load(Map.of("SECRET_KEY_FILE", secret.toString()), tmp));
        assertThat(c.secretKey().orElseThrow().value()).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(c.secretKey().orElseThrow().toString()).doesNotContain("0123");
    }

    @Test
    void aSecretGivenTwiceOrAsAMissingFileIsRefused() {
        assertThatThrownBy(() -> Config.from(
                        Settings.load(Map.of("SECRET_KEY", "x".repeat(40), "SECRET_KEY_FILE", "/etc/hosts"), tmp)))
                .hasMessage("SECRET_KEY_FILE: set both SECRET_KEY and SECRET_KEY_FILE; choose one");
        assertThatThrownBy(() -> Config.from(Settings.load(Map.of("SECRET_KEY_FILE", "/nonexistent/secret"), tmp)))
                .hasMessageStartingWith("SECRET_KEY_FILE: cannot read /nonexistent/secret");
    }

    @Test
    void unrelatedFileVariablesInTheEnvironmentAreIgnored() {
        Config c = Config.from(Settings.load(Map.of("TF_CLI_CONFIG_FILE", "/nonexistent"), tmp));
        assertThat(c.server().port()).isEqualTo(8000);
    }
}
