package dev.prioritynotify.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prioritynotify.support.TestServer.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A person signed in at a browser: the session cookie of a real {@code POST /login}, and what our
 * own pages send with a write (their {@code Origin} and the session's {@code X-CSRF-Token}).
 */
public final class Browser {
    private final TestServer server;
    private final String origin;
    private final String cookie;
    private final String csrf;

    private Browser(TestServer server, String origin, String cookie, String csrf) {
        this.server = server;
        this.origin = origin;
        this.cookie = cookie;
        this.csrf = csrf;
    }

    /** The origin the server is reached at (without BASE_URL). */
    public static String originOf(TestServer server) {
        return "http://127.0.0.1:" + server.app().port();
    }

    /** {@code POST /login} as the sign-in form sends it. */
    public static Response login(TestServer server, String origin, String username, String password) {
        String form = "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return server.send(server.request("/login", null)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", origin)
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    public static Browser signIn(TestServer server, String username, String password) {
        return signIn(server, originOf(server), username, password);
    }

    /** @param origin what the pages' origin is: BASE_URL's when it is set */
    public static Browser signIn(TestServer server, String origin, String username, String password) {
        Response r = login(server, origin, username, password);
        assertThat(r.status()).as("sign-in of " + username + ": " + r.body()).isEqualTo(303);
        String setCookie = r.raw().headers().firstValue("Set-Cookie").orElseThrow();
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        Response me = server.send(
                server.request("/api/me", null).header("Cookie", cookie).GET());
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        return new Browser(server, origin, cookie, me.json().get("csrf_token").asText());
    }

    public String cookie() {
        return cookie;
    }

    public String csrf() {
        return csrf;
    }

    /** A request with the cookie, the origin and the CSRF token, as the web app sends it. */
    public HttpRequest.Builder request(String method, String path, Optional<String> json) {
        HttpRequest.Builder b = server.request(path, null)
                .header("Cookie", cookie)
                .header("Origin", origin)
                .header("X-CSRF-Token", csrf);
        json.ifPresent(body -> b.header("Content-Type", "application/json"));
        return b.method(
                method, json.map(HttpRequest.BodyPublishers::ofString).orElseGet(HttpRequest.BodyPublishers::noBody));
    }

    public Response get(String path) {
        return server.send(request("GET", path, Optional.empty()));
    }

    public Response post(String path, String json) {
        return server.send(request("POST", path, Optional.of(json)));
    }

    public Response patch(String path, String json) {
        return server.send(request("PATCH", path, Optional.of(json)));
    }

    public Response delete(String path) {
        return server.send(request("DELETE", path, Optional.empty()));
    }

    /** A GET whose answer is kept as bytes (an image). */
    public HttpResponse<byte[]> getBytes(String path) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request("GET", path, Optional.empty()).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
