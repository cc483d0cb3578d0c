package dev.prioritynotify.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prioritynotify.http.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Sends one notification to a running server, so scripts need nothing but this jar. */
@Command(name = "publish", description = "Send a notification to a server; prints the new notification's id.")
final class PublishCommand implements Callable<Integer> {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    private static final String WHERE_TO_FIX = "--server or PRIORITY_NOTIFY_SERVER";

    @Option(names = "--server", description = "server URL (env PRIORITY_NOTIFY_SERVER; default http://localhost:8000)")
    String server;

    @Option(names = "--token", description = "API token with the publish scope (env PRIORITY_NOTIFY_TOKEN)")
    String token;

    @Option(names = "--priority", defaultValue = "medium", description = "low, medium, high or critical")
    String priority;

    @Option(names = "--source", description = "where it comes from, e.g. ci")
    String source;

    @Option(names = "--url", description = "link to open when the notification is clicked")
    String url;

    @Option(names = "--tag", description = "grouping key")
    String tag;

    @Parameters(index = "0", description = "title")
    String title;

    @Parameters(index = "1", arity = "0..1", description = "message")
    String message;

    @Override
    public Integer call() throws IOException, InterruptedException {
        String base = firstOf(server, System.getenv("PRIORITY_NOTIFY_SERVER"), "http://localhost:8000");
        URI endpoint = endpoint(base, isSet(server) ? "--server" : "PRIORITY_NOTIFY_SERVER");
        String bearer = firstOf(token, System.getenv("PRIORITY_NOTIFY_TOKEN"), null);
        if (bearer == null) {
            throw new IllegalArgumentException("--token: missing (or set PRIORITY_NOTIFY_TOKEN)");
        }
        ObjectMapper mapper = Json.mapper();
        ObjectNode body = mapper.createObjectNode().put("title", title).put("priority", priority);
        if (message != null) body.put("message", message);
        if (source != null) body.put("source", source);
        if (url != null) body.put("url", url);
        if (tag != null) body.put("tag", tag);
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(ANSWER_TIMEOUT)
                .header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
                .build();
        try (HttpClient client =
                HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build()) {
            HttpResponse<String> response;
            try {
                response = client.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                System.err.println("error: cannot reach " + base + " (" + whyUnreachable(e) + "); set " + WHERE_TO_FIX);
                return 1;
            }
            JsonNode answer = parse(mapper, response.body());
            if (response.statusCode() == 201 && answer != null && answer.hasNonNull("id")) {
                System.out.println(answer.get("id").asText());
                return 0;
            }
            if (answer != null && answer.hasNonNull("detail")) {
                System.err.println("error: " + response.statusCode() + " "
                        + answer.get("detail").asText());
                return 1;
            }
            // A proxy's error page or some other web server: one line with the start of what came back,
            // never the whole page.
            System.err.println("error: " + base + " answered " + response.statusCode()
                    + " but not as a priority-notify server does: '" + excerpt(response.body()) + "'; check "
                    + WHERE_TO_FIX);
            return 1;
        }
    }

    /** The notifications endpoint under {@code base}; a URL the HTTP client would refuse is a usage error naming {@code setting}. */
    static URI endpoint(String base, String setting) {
        IllegalArgumentException malformed = new IllegalArgumentException(
                setting + ": must be an http:// or https:// URL such as http://localhost:8000, got '" + base + "'");
        URI uri;
        try {
            uri = new URI(base.replaceAll("/+$", "") + "/api/notifications/");
        } catch (URISyntaxException e) {
            throw malformed;
        }
        // "localhost:8000" parses as scheme "localhost"; "http://under_score" parses with no host.
        if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                || uri.getHost() == null) {
            throw malformed;
        }
        return uri;
    }

    /**
     * Why the request got no answer, in words. The JDK's client reports a refused connection as a
     * {@link ConnectException} with no message (its cause a {@code ClosedChannelException}) and an
     * unknown host as one caused by {@link UnresolvedAddressException}, so the causes are what tell.
     */
    static String whyUnreachable(IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s";
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer within " + ANSWER_TIMEOUT.toSeconds() + " s";
        }
        String detail = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException) {
                return "unknown host";
            }
            if (detail == null && t.getMessage() != null && !t.getMessage().isBlank()) {
                detail = t.getMessage();
            }
        }
        if (detail != null) {
            return detail;
        }
        return e instanceof ConnectException
                ? "connection refused"
                : e.getClass().getSimpleName();
    }

    private static String excerpt(String body) {
        String flat = body.strip().replaceAll("\\s+", " ");
        return flat.length() <= 80 ? flat : flat.substring(0, 80) + "…";
    }

    private static JsonNode parse(ObjectMapper mapper, String body) {
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    private static String firstOf(String a, String b, String fallback) {
        if (isSet(a)) return a;
        if (isSet(b)) return b;
        return fallback;
    }
}
