package dev.prioritynotify.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prioritynotify.config.Config;
import dev.prioritynotify.config.Settings;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.LogCapture;
import dev.prioritynotify.support.TestDatabases;
import dev.prioritynotify.user.User;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The first-run admin, as {@code serve} starts the server ({@link App#serve}) on both databases:
 * created on an empty database only, its generated password in a file only its owner can read
 * and good for signing in, {@code ADMIN_PASSWORD} used instead when set, and nothing done again
 * once there are users.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class FirstAdminTest {
    private static final String CONFIGURED = "the operator's chosen password";

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestDatabases.Fresh database;
    final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @BeforeEach
    void freshDatabase() {
        database = TestDatabases.fresh(dialect, tmp);
    }

    @AfterEach
    void drop() {
        http.close();
        database.close();
    }

    private Path passwordFile() {
        return tmp.resolve("data").resolve("initial-admin-password");
    }

    private Config config(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(database.settings());
        settings.put("DATA_DIR", tmp.resolve("data").toString());
        settings.put("HOST", "127.0.0.1");
        settings.put("PORT", "0");
        settings.putAll(extra);
        return Config.from(Settings.of(settings));
    }

    private App serve(Map<String, String> extra) {
        return App.serve(config(extra), InstantSource.system());
    }

    /** Signs in at the form as a browser on our own page would; the status and the session cookie, if any. */
    private HttpResponse<String> login(App app, String username, String password) throws Exception {
        String form = "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        String origin = "http://127.0.0.1:" + app.port();
        return http.send(
                HttpRequest.newBuilder(URI.create(origin + "/login"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Origin", origin)
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String meWithCookieOf(App app, HttpResponse<String> signedIn) throws Exception {
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
        String setCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/api/me"))
                                .header("Cookie", setCookie.substring(0, setCookie.indexOf(';')))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static String readPassword(Path file) throws IOException {
        String content = Files.readString(file);
        assertThat(content).as("one line").endsWith("\n").hasLineCount(1);
        return content.strip();
    }

    @Test
    void anEmptyDatabase_getsAnAdminWhoseGeneratedPasswordIsInAnOwnerOnlyFile_andSignsIn() throws Exception {
        try (LogCapture warnings = LogCapture.warningsOf(FirstAdmin.class.getName());
                App app = serve(Map.of())) {
            Path file = passwordFile();
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            String password = readPassword(file);
            assertThat(password).hasSizeGreaterThanOrEqualTo(24).matches("[A-Za-z0-9_-]+");
            try (var siblings = Files.list(file.getParent())) {
                assertThat(siblings.map(p -> p.getFileName().toString()))
                        .as("no temporary file left behind")
                        .noneMatch(name -> name.endsWith(".tmp"));
            }

            assertThat(warnings.lines())
                    .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .contains("created user 'admin' with the generated password " + password)
                    .contains(file.toString());

            String me = meWithCookieOf(app, login(app, "admin", password));
            assertThat(me).contains("\"sub\":\"local:admin\"").contains("\"is_admin\":true");
            assertThat(login(app, "admin", password + "x").statusCode()).isEqualTo(401);
            assertThat(app.services().users().count()).isEqualTo(1);
        }
    }

    @Test
    void adminPassword_isThePasswordOfTheFirstAdmin_andIsNeverLoggedNorWritten() throws Exception {
        try (LogCapture warnings = LogCapture.warningsOf("dev.prioritynotify");
                App app = serve(Map.of("ADMIN_PASSWORD", CONFIGURED))) {
            assertThat(Files.exists(passwordFile())).isFalse();
            assertThat(meWithCookieOf(app, login(app, "admin", CONFIGURED))).contains("\"is_admin\":true");
            assertThat(warnings.lines())
                    .contains("first-run admin: created user 'admin' with the password of ADMIN_PASSWORD")
                    .noneMatch(line -> line.contains(CONFIGURED));
        }
    }

    @Test
    void aDatabaseWithUsers_getsNoAdmin_andNoPasswordFile() {
        Config config = config(Map.of("ADMIN_PASSWORD", CONFIGURED));
        App.Services offline = App.services(config, InstantSource.system());
        try {
            assertThat(offline.users().count())
                    .as("opening the storage, as the CLI's commands do, creates nobody")
                    .isZero();
            offline.accounts().create("alice", false, Optional.empty());
        } finally {
            offline.db().close();
        }
        try (App app = serve(Map.of("ADMIN_PASSWORD", CONFIGURED))) {
            assertThat(app.services().users().list()).extracting(User::sub).containsExactly("local:alice");
            assertThat(Files.exists(passwordFile())).isFalse();
        }
    }

    @Test
    void withLocalAccountsOff_noAdminIsCreated() {
        try (App app = serve(Map.of("AUTH_LOCAL_ENABLED", "false"))) {
            assertThat(app.services().users().count()).isZero();
            assertThat(Files.exists(passwordFile())).isFalse();
        }
    }

    @Test
    void aRestart_neitherRecreatesTheAdminNorRewritesThePasswordFile() throws Exception {
        String password;
        FileTime written;
        try (App first = serve(Map.of())) {
            password = readPassword(passwordFile());
            written = Files.getLastModifiedTime(passwordFile());
        }
        try (App second = serve(Map.of())) {
            assertThat(readPassword(passwordFile())).isEqualTo(password);
            assertThat(Files.getLastModifiedTime(passwordFile())).isEqualTo(written);
            assertThat(second.services().users().count()).isEqualTo(1);
            assertThat(login(second, "admin", password).statusCode()).isEqualTo(303);
        }
    }

    @Test
    void startsAtOnceOnAnEmptyDatabase_createOneAdmin_whosePasswordIsTheFilesPassword() throws Exception {
        Config config = config(Map.of());
        App.Services services = App.services(config, InstantSource.system());
        int starts = 4;
        CountDownLatch go = new CountDownLatch(1);
        try (LogCapture log = LogCapture.warningsOf(FirstAdmin.class.getName());
                ExecutorService pool = Executors.newFixedThreadPool(starts)) {
            // Each start counts no users, then pays for an Argon2id hash before its insert: they overlap.
            List<CompletableFuture<Void>> ensuring = java.util.stream.IntStream.range(0, starts)
                    .mapToObj(i -> CompletableFuture.runAsync(
                            () -> {
                                try {
                                    go.await();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                    throw new IllegalStateException(e);
                                }
                                FirstAdmin.ensure(config, services.users(), services.accounts());
                            },
                            pool))
                    .toList();
            go.countDown();
            ensuring.forEach(CompletableFuture::join);

            assertThat(services.users().list()).extracting(User::sub).containsExactly("local:admin");
            assertThat(log.lines().stream().filter(l -> l.contains("created user 'admin'")))
                    .hasSize(1);
            String password = readPassword(passwordFile());
            assertThat(services.accounts().verify("admin", password.toCharArray()))
                    .as("the file holds the winner's password")
                    .isPresent();
        } finally {
            services.db().close();
        }
    }
}
