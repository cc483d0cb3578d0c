package dev.prioritynotify.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prioritynotify.app.App;
import dev.prioritynotify.config.Config;
import dev.prioritynotify.config.Settings;
import dev.prioritynotify.http.Json;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.token.DeviceType;
import dev.prioritynotify.token.Scope;
import dev.prioritynotify.user.User;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The real application on an ephemeral port over a fresh database, and an HTTP client for it. */
public final class TestServer implements AutoCloseable {
    private static final ObjectMapper MAPPER = Json.mapper();

    private final TestDatabases.Fresh database;
    private Map<String, String> settings;
    private final InstantSource clock;
    private App app;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private TestServer(TestDatabases.Fresh database, Map<String, String> settings, InstantSource clock) {
        this.database = database;
        this.settings = Map.copyOf(settings);
        this.clock = clock;
        this.app = App.start(Config.from(Settings.of(settings)), clock);
    }

    /** Stops the application and starts it again on the same database and data directory. */
    public void restart() {
        restart(Map.of());
    }

    /** Restarts as {@link #restart()} does, with some settings changed (as an operator would between runs). */
    public void restart(Map<String, String> changed) {
        app.close();
        Map<String, String> next = new HashMap<>(settings);
        next.putAll(changed);
        settings = Map.copyOf(next);
        app = App.start(Config.from(Settings.of(settings)), clock);
    }

    public static TestServer start(Dialect dialect, Path tempDir) {
        return start(dialect, tempDir, Map.of(), InstantSource.system());
    }

    public static TestServer start(Dialect dialect, Path tempDir, Map<String, String> extra, InstantSource clock) {
        TestDatabases.Fresh db = TestDatabases.fresh(dialect, tempDir);
        Map<String, String> settings = new HashMap<>(db.settings());
        settings.put("DATA_DIR", tempDir.resolve("data").toString());
        settings.put("HOST", "127.0.0.1");
        settings.put("PORT", "0");
        settings.put("STREAM_HEARTBEAT", "1s");
        settings.putAll(extra);
        try {
            return new TestServer(db, settings, clock);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    public App app() {
        return app;
    }

    /**
     * Another instance of the application on the same database and data directory, as a second
     * process behind a load balancer would be (PostgreSQL only: a SQLite file has one writer
     * process). The caller closes it, before this server.
     */
    public App startSecondInstance() {
        return startSecondInstance(Map.of());
    }

    /** A second instance as {@link #startSecondInstance()}, with some settings of its own (e.g. its {@code PORT}). */
    public App startSecondInstance(Map<String, String> changed) {
        Map<String, String> own = new HashMap<>(settings);
        own.putAll(changed);
        return App.start(Config.from(Settings.of(own)), clock);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + app.port() + path);
    }

    public User user(String name) {
        return app.services().accounts().create(name, false, Optional.empty());
    }

    public String token(User user, Scope... scopes) {
        Set<Scope> set = scopes.length == 0 ? EnumSet.allOf(Scope.class) : EnumSet.copyOf(java.util.List.of(scopes));
        return app.services()
                .tokens()
                .issue(user.id(), "test", DeviceType.SCRIPT, set, Optional.empty())
                .plaintext();
    }

    /** A user with a token holding both scopes. */
    public String newUserToken(String name) {
        return token(user(name));
    }

    public record Response(int status, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        public String detail() {
            return json().path("detail").asText();
        }
    }

    public Response get(String path, String token) {
        return send(request(path, token).GET());
    }

    public Response post(String path, String token, String body) {
        return send(request(path, token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response patch(String path, String token, String body) {
        return send(request(path, token)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response delete(String path, String token) {
        return send(request(path, token).DELETE());
    }

    public Response send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> r = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    /** Creates a notification and returns its JSON. */
    public JsonNode publish(String token, String title) {
        Response r = post("/api/notifications/", token, "{\"title\":\"" + title + "\"}");
        if (r.status() != 201) {
            throw new AssertionError("create failed: " + r.status() + " " + r.body());
        }
        return r.json();
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    @Override
    public void close() {
        try (http) {
            app.close();
        } finally {
            database.close();
        }
    }
}
