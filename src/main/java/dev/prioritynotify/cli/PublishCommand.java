package dev.prioritynotify.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prioritynotify.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Sends one notification to a running server, so scripts need nothing but this jar. */
@Command(name = "publish", description = "Send a notification to a server; prints the new notification's id.")
final class PublishCommand implements Callable<Integer> {
    @Option(names = "--server", description = "server URL (env PRIORITY_NOTIFY_SERVER; default http://localhost:8000)") String server;
    @Option(names = "--token", description = "API token with the publish scope (env PRIORITY_NOTIFY_TOKEN)") String token;
    @Option(names = "--priority", defaultValue = "medium", description = "low, medium, high or critical") String priority;
    @Option(names = "--source", description = "where it comes from, e.g. ci") String source;
    @Option(names = "--url", description = "link to open when the notification is clicked") String url;
    @Option(names = "--tag", description = "grouping key") String tag;
    @Parameters(index = "0", description = "title") String title;
    @Parameters(index = "1", arity = "0..1", description = "message") String message;

    @Override
    public Integer call() throws IOException, InterruptedException {
        String base = firstOf(server, System.getenv("PRIORITY_NOTIFY_SERVER"), "http://localhost:8000");
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
        HttpRequest request = HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + "/api/notifications/"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
                .build();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode answer = parse(mapper, response.body());
            if (response.statusCode() != 201) {
                String detail = answer != null && answer.hasNonNull("detail") ? answer.get("detail").asText() : response.body();
                System.err.println("error: " + response.statusCode() + " " + detail);
                return 1;
            }
            System.out.println(answer.get("id").asText());
            return 0;
        }
    }

    private static JsonNode parse(ObjectMapper mapper, String body) {
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String firstOf(String a, String b, String fallback) {
        if (a != null && !a.isBlank()) return a;
        if (b != null && !b.isBlank()) return b;
        return fallback;
    }
}
