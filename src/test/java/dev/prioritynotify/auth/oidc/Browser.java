package dev.prioritynotify.auth.oidc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * What a person's browser does in the sign-in: keeps cookies, and follows redirects across our
 * server and the provider, all at once ({@link #open}) or one hop at a time ({@link #step}).
 */
final class Browser implements AutoCloseable {
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient following = client(HttpClient.Redirect.NORMAL);
    private final HttpClient stepping = client(HttpClient.Redirect.NEVER);

    private HttpClient client(HttpClient.Redirect redirects) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .cookieHandler(cookies)
                .followRedirects(redirects)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Goes to the URI and wherever it redirects. */
    HttpResponse<String> open(URI uri) {
        return send(following, HttpRequest.newBuilder(uri).GET());
    }

    /** One request, no redirect followed. */
    HttpResponse<String> step(URI uri) {
        return send(stepping, HttpRequest.newBuilder(uri).GET());
    }

    HttpResponse<String> post(URI uri) {
        return send(stepping, HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()));
    }

    static URI location(HttpResponse<String> response) {
        String to = response.headers()
                .firstValue("Location")
                .orElseThrow(() -> new AssertionError("no redirect: " + response.statusCode() + " " + response.body()));
        return response.uri().resolve(to);
    }

    Optional<String> cookie(String name) {
        return cookies.getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals(name))
                .map(HttpCookie::getValue)
                .filter(v -> !v.isEmpty())
                .findFirst();
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        following.close();
        stepping.close();
    }
}
