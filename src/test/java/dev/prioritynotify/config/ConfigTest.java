package dev.prioritynotify.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    @Test
    void everyPushSettingLandsInItsOwnField() {
        // Distinct values everywhere: two settings of one type swapped in Config.from fail here.
        Config.Push push = Config.from(Settings.of(Map.ofEntries(
                        Map.entry("VAPID_PUBLIC_KEY", "public"),
                        Map.entry("VAPID_PRIVATE_KEY", "private"),
                        Map.entry("VAPID_SUBJECT", "mailto:ops@example.com"),
                        Map.entry("VAPID_AUTOGENERATE", "false"),
                        Map.entry("VAPID_TOKEN_VALIDITY", "11h"),
                        Map.entry("PUSH_ALLOWED_HOSTS", "Push.Example.NET"),
                        Map.entry("PUSH_ALLOW_INSECURE_ENDPOINTS", "true"),
                        Map.entry("PUSH_PAYLOAD", "minimal"),
                        Map.entry("PUSH_TTL_LOW", "2h"),
                        Map.entry("PUSH_TTL_MEDIUM", "3h"),
                        Map.entry("PUSH_TTL_HIGH", "4h"),
                        Map.entry("PUSH_TTL_CRITICAL", "5d"),
                        Map.entry("PUSH_ICON", "/icon.png"),
                        Map.entry("PUSH_BADGE", "/badge.png"),
                        Map.entry("PUSH_SUBSCRIBE_LIMIT", "11"),
                        Map.entry("PUSH_SUBSCRIBE_LIMIT_PER_ADDRESS", "31"),
                        Map.entry("PUSH_SUBSCRIBE_WINDOW", "2m"),
                        Map.entry("CRYPTO_PROVIDER", "jdk"),
                        Map.entry("PUSH_REQUEST_TIMEOUT", "20s"))))
                .push();
        assertThat(push.vapid().publicKey()).contains("public");
        assertThat(push.vapid().privateKey().orElseThrow().value()).isEqualTo("private");
        assertThat(push.vapid().subject()).contains("mailto:ops@example.com");
        assertThat(push.vapid().autogenerate()).isFalse();
        assertThat(push.vapid().tokenValidity()).isEqualTo(Duration.ofHours(11));
        assertThat(push.endpoints().allowedHosts()).containsExactly("push.example.net");
        assertThat(push.endpoints().allowInsecure()).isTrue();
        assertThat(push.payload().mode()).isEqualTo(Config.PayloadMode.MINIMAL);
        assertThat(push.payload().ttlByPriority())
                .isEqualTo(Map.of(
                        "low", Duration.ofHours(2),
                        "medium", Duration.ofHours(3),
                        "high", Duration.ofHours(4),
                        "critical", Duration.ofDays(5)));
        assertThat(push.payload().icon()).isEqualTo("/icon.png");
        assertThat(push.payload().badge()).isEqualTo("/badge.png");
        assertThat(push.subscribeLimits().perUser()).isEqualTo(11);
        assertThat(push.subscribeLimits().perAddress()).isEqualTo(31);
        assertThat(push.subscribeLimits().window()).isEqualTo(Duration.ofMinutes(2));
        assertThat(push.cryptoProvider()).isEqualTo(Config.CryptoProvider.JDK);
        assertThat(push.requestTimeout()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void everyDeliverySettingLandsInItsOwnField() {
        Config.Delivery delivery = Config.from(Settings.of(Map.ofEntries(
                        Map.entry("PUSH_RETRY_BASE", "6s"),
                        Map.entry("PUSH_RETRY_MAX_DELAY", "50m"),
                        Map.entry("PUSH_RETRY_MAX_ATTEMPTS", "9"),
                        Map.entry("PUSH_RETRY_AFTER_CAP", "40m"),
                        Map.entry("PUSH_WORKER_POLL", "2s"),
                        Map.entry("PUSH_CLAIM_BATCH", "50"),
                        Map.entry("PUSH_LEASE", "8m"),
                        Map.entry("PUSH_HANDOFF_LIMIT", "500"),
                        Map.entry("PUSH_SHUTDOWN_GRACE", "9s"),
                        Map.entry("PUSH_CONCURRENCY", "100"),
                        Map.entry("PUSH_CONCURRENCY_PER_ORIGIN", "7"),
                        Map.entry("PUSH_BURST_LIMIT", "12"),
                        Map.entry("PUSH_BURST_WINDOW", "3m"),
                        Map.entry("PUSH_STALE_AFTER", "20d"),
                        Map.entry("PUSH_DELIVERY_RETENTION", "6d"))))
                .push()
                .delivery();
        assertThat(delivery.retry().base()).isEqualTo(Duration.ofSeconds(6));
        assertThat(delivery.retry().maxDelay()).isEqualTo(Duration.ofMinutes(50));
        assertThat(delivery.retry().maxAttempts()).isEqualTo(9);
        assertThat(delivery.retry().afterCap()).isEqualTo(Duration.ofMinutes(40));
        assertThat(delivery.workers().pollInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(delivery.workers().claimBatch()).isEqualTo(50);
        assertThat(delivery.workers().lease()).contains(Duration.ofMinutes(8));
        assertThat(delivery.workers().handOffLimit()).isEqualTo(500);
        assertThat(delivery.workers().shutdownGrace()).isEqualTo(Duration.ofSeconds(9));
        assertThat(delivery.concurrency().total()).isEqualTo(100);
        assertThat(delivery.concurrency().perOrigin()).isEqualTo(7);
        assertThat(delivery.bursts().limit()).isEqualTo(12);
        assertThat(delivery.bursts().window()).isEqualTo(Duration.ofMinutes(3));
        assertThat(delivery.housekeeping().staleAfter()).isEqualTo(Duration.ofDays(20));
        assertThat(delivery.housekeeping().deliveryRetention()).isEqualTo(Duration.ofDays(6));
    }

    @Test
    void pushDefaultsAreTheDocumentedOnes() {
        // docs/configuration.md, written out: setting them explicitly must change nothing.
        Config.Push documented = Config.from(Settings.of(Map.ofEntries(
                        Map.entry("VAPID_AUTOGENERATE", "true"),
                        Map.entry("VAPID_TOKEN_VALIDITY", "12h"),
                        Map.entry("PUSH_ALLOW_INSECURE_ENDPOINTS", "false"),
                        Map.entry("PUSH_PAYLOAD", "full"),
                        Map.entry("PUSH_TTL_LOW", "1h"),
                        Map.entry("PUSH_TTL_MEDIUM", "12h"),
                        Map.entry("PUSH_TTL_HIGH", "1d"),
                        Map.entry("PUSH_TTL_CRITICAL", "7d"),
                        Map.entry("PUSH_REQUEST_TIMEOUT", "30s"),
                        Map.entry("PUSH_SUBSCRIBE_LIMIT", "10"),
                        Map.entry("PUSH_SUBSCRIBE_LIMIT_PER_ADDRESS", "30"),
                        Map.entry("PUSH_SUBSCRIBE_WINDOW", "1m"),
                        Map.entry("PUSH_ICON", "/static/icon-192.png"),
                        Map.entry("PUSH_BADGE", "/static/badge-72.png"),
                        Map.entry("CRYPTO_PROVIDER", "auto"),
                        Map.entry("PUSH_RETRY_BASE", "5s"),
                        Map.entry("PUSH_RETRY_MAX_DELAY", "1h"),
                        Map.entry("PUSH_RETRY_MAX_ATTEMPTS", "8"),
                        Map.entry("PUSH_RETRY_AFTER_CAP", "1h"),
                        Map.entry("PUSH_WORKER_POLL", "1s"),
                        Map.entry("PUSH_CONCURRENCY", "256"),
                        Map.entry("PUSH_CONCURRENCY_PER_ORIGIN", "64"),
                        Map.entry("PUSH_CLAIM_BATCH", "256"),
                        Map.entry("PUSH_HANDOFF_LIMIT", "20000"),
                        Map.entry("PUSH_BURST_LIMIT", "10"),
                        Map.entry("PUSH_BURST_WINDOW", "1m"),
                        Map.entry("PUSH_STALE_AFTER", "30d"),
                        Map.entry("PUSH_DELIVERY_RETENTION", "7d"),
                        Map.entry("PUSH_SHUTDOWN_GRACE", "10s"))))
                .push();
        Config.Push defaults = Config.from(Settings.of(Map.of())).push();
        assertThat(defaults).isEqualTo(documented);
        assertThat(defaults.vapid().subject()).isEmpty();
        assertThat(defaults.endpoints().allowedHosts()).isEqualTo(List.of());
        assertThat(defaults.delivery().workers().lease()).isEmpty();
    }

    @Test
    void outOfRangePushValuesNameTheVariable() {
        assertThatThrownBy(() -> Config.from(Settings.of(Map.of("VAPID_TOKEN_VALIDITY", "9m"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("VAPID_TOKEN_VALIDITY: must be between 10m and 24h (RFC 8292 caps it at 24 hours)");
        assertThatThrownBy(() -> Config.from(Settings.of(Map.of("VAPID_TOKEN_VALIDITY", "25h"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("VAPID_TOKEN_VALIDITY: must be between 10m and 24h (RFC 8292 caps it at 24 hours)");
        assertThatThrownBy(() -> Config.from(Settings.of(Map.of("PUSH_LEASE", "999ms"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("PUSH_LEASE: must be at least 1s");
    }

    @Test
    void aRetryCapBelowTheRetryBaseIsRefused() {
        assertThatThrownBy(
                        () -> Config.from(Settings.of(Map.of("PUSH_RETRY_BASE", "10s", "PUSH_RETRY_MAX_DELAY", "5s"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("PUSH_RETRY_MAX_DELAY: must not be shorter than PUSH_RETRY_BASE");
        assertThat(Config.from(Settings.of(Map.of("PUSH_RETRY_BASE", "5s", "PUSH_RETRY_MAX_DELAY", "5s")))
                        .push()
                        .delivery()
                        .retry()
                        .maxDelay())
                .isEqualTo(Duration.ofSeconds(5));
    }

    private static final Map<String, String> OIDC = Map.of(
            "OIDC_ISSUER_URL", "https://auth.example.com/application/o/pn/",
            "OIDC_CLIENT_ID", "pn",
            "OIDC_CLIENT_SECRET", "client secret",
            "BASE_URL", "https://pn.example.com");

    @Test
    void localAccountsAreOnWithoutOidc_offWithIt_andAuthLocalEnabledDecidesWhenSet() {
        assertThat(Config.from(Settings.of(Map.of())).auth().localEnabled()).isTrue();
        assertThat(Config.from(Settings.of(OIDC)).auth().localEnabled()).isFalse();

        Map<String, String> both = new java.util.HashMap<>(OIDC);
        both.put("AUTH_LOCAL_ENABLED", "true");
        assertThat(Config.from(Settings.of(both)).auth().localEnabled()).isTrue();
        assertThat(Config.from(Settings.of(Map.of("AUTH_LOCAL_ENABLED", "false")))
                        .auth()
                        .localEnabled())
                .isFalse();
    }

    @Test
    void everyOidcSettingLandsInItsOwnField_withTheDocumentedDefaults() {
        Config.Auth.Oidc defaults = Config.from(Settings.of(OIDC)).auth().oidc().orElseThrow();
        assertThat(defaults.issuer()).isEqualTo("https://auth.example.com/application/o/pn/");
        assertThat(defaults.clientId()).isEqualTo("pn");
        assertThat(defaults.clientSecret().value()).isEqualTo("client secret");
        assertThat(defaults.redirectUri()).isEqualTo("https://pn.example.com/auth/callback");
        assertThat(defaults.scopes()).containsExactly("openid", "email", "profile");
        assertThat(defaults.groupsClaim()).isEqualTo("groups");
        assertThat(defaults.adminGroup()).isEmpty();

        Map<String, String> all = new java.util.HashMap<>(OIDC);
        all.put("OIDC_REDIRECT_URI", "https://other.example.com/auth/callback");
        all.put("OIDC_SCOPES", "openid profile groups");
        all.put("OIDC_GROUPS_CLAIM", "roles");
        all.put("OIDC_ADMIN_GROUP", "pn-admins");
        Config.Auth.Oidc set = Config.from(Settings.of(all)).auth().oidc().orElseThrow();
        assertThat(set.redirectUri()).isEqualTo("https://other.example.com/auth/callback");
        assertThat(set.scopes()).containsExactly("openid", "profile", "groups");
        assertThat(set.groupsClaim()).isEqualTo("roles");
        assertThat(set.adminGroup()).contains("pn-admins");
    }

    @Test
    void theSeedsAuthentikNamesAreAcceptedForOidc() {
        Config.Auth.Oidc oidc = Config.from(Settings.of(Map.of(
                        "AUTHENTIK_ISSUER_URL", "https://auth.example.com/application/o/pn/",
                        "AUTHENTIK_CLIENT_ID", "pn",
                        "AUTHENTIK_CLIENT_SECRET", "client secret",
                        "AUTHENTIK_REDIRECT_URI", "https://pn.example.com/auth/callback")))
                .auth()
                .oidc()
                .orElseThrow();
        assertThat(oidc.issuer()).isEqualTo("https://auth.example.com/application/o/pn/");
        assertThat(oidc.clientId()).isEqualTo("pn");
        assertThat(oidc.clientSecret().value()).isEqualTo("client secret");
        assertThat(oidc.redirectUri()).isEqualTo("https://pn.example.com/auth/callback");
    }

    @Test
    void anIncompleteOidcConfigurationNamesTheMissingSetting() {
        assertThatThrownBy(() -> Config.from(Settings.of(Map.of("OIDC_ISSUER_URL", "https://auth.example.com"))))
                .hasMessage("OIDC_CLIENT_ID: is required when OIDC_ISSUER_URL is set");
        assertThatThrownBy(() -> Config.from(
                        Settings.of(Map.of("OIDC_ISSUER_URL", "https://auth.example.com", "OIDC_CLIENT_ID", "pn"))))
                .hasMessageStartingWith("OIDC_CLIENT_SECRET: is required");
        assertThatThrownBy(() -> Config.from(Settings.of(Map.of(
                        "OIDC_ISSUER_URL", "https://auth.example.com",
                        "OIDC_CLIENT_ID", "pn",
                        "OIDC_CLIENT_SECRET", "s"))))
                .hasMessage("OIDC_REDIRECT_URI: is required when OIDC_ISSUER_URL is set and BASE_URL is not");
    }

    @Test
    void adminPasswordComesFromTheVariableOrItsFile_withTheTrailingNewlineDropped() throws Exception {
        Path file = tmp.resolve("admin-password");
        Files.writeString(file, "from the file\n");
        assertThat(Config.from(Settings.of(Map.of("ADMIN_PASSWORD_FILE", file.toString())))
                        .auth()
                        .adminPassword()
                        .orElseThrow()
                        .value())
                .isEqualTo("from the file");
        assertThat(Config.from(Settings.of(Map.of("ADMIN_PASSWORD", "from the variable")))
                        .auth()
                        .adminPassword()
                        .orElseThrow()
                        .value())
                .isEqualTo("from the variable");
        assertThatThrownBy(() -> Config.from(
                        Settings.of(Map.of("ADMIN_PASSWORD", "x".repeat(9), "ADMIN_PASSWORD_FILE", file.toString()))))
                .hasMessage("ADMIN_PASSWORD_FILE: set both ADMIN_PASSWORD and ADMIN_PASSWORD_FILE; choose one");
        Path missing = tmp.resolve("missing");
        assertThatThrownBy(() -> Config.from(Settings.of(Map.of("ADMIN_PASSWORD_FILE", missing.toString()))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("ADMIN_PASSWORD_FILE: cannot read " + missing);
        assertThatThrownBy(() -> Config.from(Settings.of(Map.of("ADMIN_PASSWORD", "short"))))
                .hasMessage("ADMIN_PASSWORD: must be at least 8 characters");
    }
}
