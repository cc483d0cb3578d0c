package dev.prioritynotify.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prioritynotify.push.TestPushService;
import dev.prioritynotify.support.ServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup} against a running server that keeps taking writes, and the restore docs/operations.md
 * describes: the copy and the data directory's {@code secret_key} into a new data directory, a
 * server started there. Everything is there, and what was handed out before still works: the API
 * token, the browser's session cookie, the VAPID public key devices subscribed with, and a push's
 * "mark as read" capability. Without {@code secret_key} the restore loses exactly what the docs say.
 */
class BackupRestoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    record Answer(int status, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    private Map<String, String> env(Path dataDir) {
        Map<String, String> env = new HashMap<>(TestPushService.serverSettings(Map.of()));
        env.put("DATA_DIR", dataDir.toString());
        return env;
    }

    @Test
    void aBackupTakenWhileTheServerWritesRestoresIntoANewDataDirectoryWithEverythingStillValid() throws Exception {
        Path source = tmp.resolve("source");
        Path backup = tmp.resolve("backups").resolve("priority-notify-1.db");
        String token;
        String cookie;
        String vapidKey;
        String readToken;
        String pushedId;
        int before;
        int after;
        try (ServerProcess server = ServerProcess.start("backup-source", env(source), READY)) {
            String password =
                    Files.readString(source.resolve("initial-admin-password")).strip();
            cookie = signIn(server, "admin", password);
            String csrf = send(server, "GET", "/api/me", null, cookie, null, null)
                    .json()
                    .get("csrf_token")
                    .asText();
            Answer created = send(server, "POST", "/api/tokens", null, cookie, csrf, "{\"name\":\"script\"}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            token = created.json().get("token").asText();

            vapidKey = send(server, "GET", "/api/push/vapid-key", null, null, null, null)
                    .json()
                    .get("publicKey")
                    .asText();
            try (TestPushService pushService = TestPushService.start(vapidKey)) {
                TestPushService.Device device = pushService.device();
                Answer subscribed =
                        send(server, "POST", "/api/push/subscribe", token, null, null, device.subscriptionJson());
                assertThat(subscribed.status()).as(subscribed.body()).isEqualTo(201);
                pushedId = publish(server, token, "pushed before the backup");
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> !device.received().isEmpty());
                readToken = JSON.readTree(device.received().getFirst().plaintext())
                        .at("/data/read_token")
                        .asText();
            }
            for (int i = 0; i < 20; i++) {
                publish(server, token, "before " + i);
            }
            before = total(server, token);

            // Writes go on while the copy is taken.
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger written = new AtomicInteger();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                while (writing.get() && written.get() < 5_000) {
                    try {
                        publish(server, token, "during " + written.get());
                        written.incrementAndGet(); // counted once the server has answered: committed
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> written.get() >= 20);
            int writtenBeforeCopying = written.get();
            String out = ServerProcess.cli(env(source), "backup", backup.toString());
            int writtenWhileCopying = written.get();
            writing.set(false);
            writer.join();
            assertThat(out.strip()).isEqualTo(backup.toString());
            assertThat(writtenWhileCopying)
                    .as("the server took writes during the backup")
                    .isGreaterThan(writtenBeforeCopying);
            before += writtenBeforeCopying;
            after = total(server, token);

            assertThatThrownBy(() -> ServerProcess.cli(env(source), "backup", backup.toString()))
                    .as("an existing file is never overwritten")
                    .hasMessageContaining("already exists");
        }

        assertThat(Files.getPosixFilePermissions(backup)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (var files = Files.list(backup.getParent())) {
            assertThat(files.toList()).as("no partial file left beside it").containsExactly(backup);
        }
        int copied;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + backup);
                ResultSet check = c.createStatement().executeQuery("PRAGMA integrity_check")) {
            assertThat(check.next()).isTrue();
            assertThat(check.getString(1)).isEqualTo("ok");
            try (ResultSet n = c.createStatement().executeQuery("SELECT count(*) FROM notifications")) {
                n.next();
                copied = n.getInt(1);
            }
        }
        assertThat(copied).as("a snapshot between the writes").isBetween(before, after);

        // The restore: the copy as the new data directory's database, and the secret key beside it.
        Path restored = tmp.resolve("restored");
        Files.createDirectories(restored);
        Files.copy(backup, restored.resolve("priority-notify.db"));
        Files.copy(source.resolve("secret_key"), restored.resolve("secret_key"));
        try (ServerProcess server = ServerProcess.start("backup-restored", env(restored), READY)) {
            assertThat(total(server, token))
                    .as("every notification of the copy")
                    .isEqualTo(copied);
            Answer me = send(server, "GET", "/api/me", null, cookie, null, null);
            assertThat(me.status())
                    .as("the session cookie from before: " + me.body())
                    .isEqualTo(200);
            assertThat(me.json().get("name").asText()).isEqualTo("admin");
            assertThat(send(server, "GET", "/api/push/vapid-key", null, null, null, null)
                            .json()
                            .get("publicKey")
                            .asText())
                    .as("the VAPID key devices subscribed with")
                    .isEqualTo(vapidKey);
            assertThat(send(server, "GET", "/api/push/subscriptions", token, null, null, null)
                            .json()
                            .get("total")
                            .asInt())
                    .isEqualTo(1);
            Answer tokens = send(server, "GET", "/api/tokens", null, cookie, null, null);
            assertThat(tokens.json().get("items"))
                    .extracting(t -> t.get("name").asText())
                    .contains("script");
            Answer read = send(
                    server,
                    "POST",
                    "/api/notifications/" + pushedId + "/actions/read",
                    null,
                    null,
                    null,
                    "{\"token\":\"" + readToken + "\"}");
            assertThat(read.status())
                    .as("the push's mark-as-read: " + read.body())
                    .isEqualTo(204);
            assertThat(send(server, "GET", "/api/notifications/" + pushedId, token, null, null, null)
                            .json()
                            .get("status")
                            .asText())
                    .isEqualTo("read");
        }

        // Without secret_key: tokens (plain hashes) still work; what the key sealed or signed does not.
        Path withoutKey = tmp.resolve("without-key");
        Files.createDirectories(withoutKey);
        Files.copy(backup, withoutKey.resolve("priority-notify.db"));
        try (ServerProcess server = ServerProcess.start("backup-without-key", env(withoutKey), READY)) {
            assertThat(send(server, "GET", "/api/me", token, null, null, null).status())
                    .isEqualTo(200);
            assertThat(send(server, "GET", "/api/me", null, cookie, null, null).status())
                    .isEqualTo(401);
            Answer key = send(server, "GET", "/api/push/vapid-key", null, null, null, null);
            assertThat(key.status()).as(key.body()).isEqualTo(503);
        }
    }

    @Test
    void postgresqlIsSentToPgDump() {
        Map<String, String> env = Map.of(
                "DATA_DIR",
                tmp.resolve("data").toString(),
                "DATABASE_URL",
                "postgresql://postgres@127.0.0.1:5432/test");
        assertThatThrownBy(() ->
                        ServerProcess.cli(env, "backup", tmp.resolve("x.db").toString()))
                .hasMessageContaining("exited 2")
                .hasMessageContaining("pg_dump");
        assertThat(tmp.resolve("x.db")).doesNotExist();
    }

    @Test
    void aMissingDatabaseIsNamedNotCreated() {
        Map<String, String> env = Map.of("DATA_DIR", tmp.resolve("nothing-here").toString());
        assertThatThrownBy(() ->
                        ServerProcess.cli(env, "backup", tmp.resolve("x.db").toString()))
                .hasMessageContaining("no database at")
                .hasMessageContaining("nothing-here");
        assertThat(tmp.resolve("nothing-here").resolve("priority-notify.db")).doesNotExist();
    }

    private String publish(ServerProcess server, String token, String title) throws Exception {
        Answer a = send(server, "POST", "/api/notifications", token, null, null, "{\"title\":\"" + title + "\"}");
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return a.json().get("id").asText();
    }

    private int total(ServerProcess server, String token) throws Exception {
        return send(server, "GET", "/api/notifications?limit=1", token, null, null, null)
                .json()
                .get("total")
                .asInt();
    }

    private String signIn(ServerProcess server, String username, String password) throws Exception {
        String form = "username=" + username + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/login"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Origin", server.baseUrl())
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    /** A request with a bearer token, or a session cookie (with its CSRF token and Origin for a change). */
    private Answer send(
            ServerProcess server, String method, String path, String token, String cookie, String csrf, String json)
            throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (cookie != null) {
            b.header("Cookie", cookie).header("Origin", server.baseUrl());
        }
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(
                method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }
}
