package dev.prioritynotify.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prioritynotify.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives a Firefox started with {@code --remote-debugging-port} over WebDriver BiDi, the W3C
 * protocol Firefox speaks natively: navigate the one tab, evaluate script in it (as a user
 * gesture where asked, as a click is). Only the few commands the tests need.
 */
final class FirefoxBidi implements AutoCloseable {
    private static final ObjectMapper MAPPER = TestServer.mapper();

    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private String context;

    private FirefoxBidi(WebSocket socket) {
        this.socket = socket;
    }

    /** Connects (retrying while Firefox starts), opens a session and finds the tab. */
    static FirefoxBidi connect(int port, Duration within) throws Exception {
        Instant deadline = Instant.now().plus(within);
        HttpClient http = HttpClient.newHttpClient();
        Listener listener = new Listener();
        while (true) {
            try {
                WebSocket socket = http.newWebSocketBuilder()
                        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/session"), listener)
                        .get(10, TimeUnit.SECONDS);
                FirefoxBidi bidi = new FirefoxBidi(socket);
                listener.bidi = bidi;
                bidi.send("session.new", MAPPER.createObjectNode().set("capabilities", MAPPER.createObjectNode()));
                JsonNode tree = bidi.send("browsingContext.getTree", MAPPER.createObjectNode());
                bidi.context = tree.path("contexts").get(0).path("context").asText();
                bidi.watchForProblems();
                return bidi;
            } catch (java.util.concurrent.ExecutionException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("Firefox's WebDriver BiDi did not answer on port " + port, e);
                }
                Thread.sleep(200); // Firefox is still starting: nothing to wait on but the port
            }
        }
    }

    JsonNode send(String method, ObjectNode params) throws Exception {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode command = MAPPER.createObjectNode().put("id", id).put("method", method);
        command.set("params", params);
        socket.sendText(MAPPER.writeValueAsString(command), true).get(10, TimeUnit.SECONDS);
        JsonNode reply = answer.get(60, TimeUnit.SECONDS);
        if (reply.has("error")) {
            throw new AssertionError(method + ": " + reply.path("error").asText() + ": "
                    + reply.path("message").asText());
        }
        return reply.path("result");
    }

    /** Console errors, uncaught exceptions and CSP violations on the pages, as they are reported. */
    List<String> problems() {
        return List.copyOf(problems);
    }

    private void watchForProblems() throws Exception {
        ObjectNode subscribe = MAPPER.createObjectNode();
        subscribe.putArray("events").add("log.entryAdded");
        send("session.subscribe", subscribe);
        // A CSP violation is an event in the page; make it a console error too.
        send(
                "script.addPreloadScript",
                MAPPER.createObjectNode()
                        .put(
                                "functionDeclaration",
                                "() => document.addEventListener('securitypolicyviolation', e =>"
                                        + " console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))"));
    }

    private void onEvent(JsonNode message) {
        JsonNode params = message.path("params");
        if (message.path("method").asText().equals("log.entryAdded")
                && params.path("level").asText().equals("error")) {
            problems.add(params.path("type").asText() + " on "
                    + params.path("source").path("context").asText() + ": "
                    + params.path("text").asText());
        }
    }

    void navigate(String url) throws Exception {
        send(
                "browsingContext.navigate",
                MAPPER.createObjectNode()
                        .put("context", context)
                        .put("url", url)
                        .put("wait", "complete"));
    }

    /**
     * The value of a script expression (a promise is awaited), as a string: scripts return
     * {@code JSON.stringify(...)} for anything structured. With {@code gesture} it runs as if the
     * person had just clicked, which permission prompts require.
     */
    String eval(String expression, boolean gesture) throws Exception {
        ObjectNode params = MAPPER.createObjectNode()
                .put("expression", expression)
                .put("awaitPromise", true)
                .put("userActivation", gesture);
        params.putObject("target").put("context", context);
        JsonNode result = send("script.evaluate", params);
        if (!result.path("type").asText().equals("success")) {
            throw new AssertionError("script threw: " + result.path("exceptionDetails"));
        }
        JsonNode value = result.path("result").path("value");
        return value.isMissingNode() || value.isNull() ? "" : value.asText();
    }

    String eval(String expression) throws Exception {
        return eval(expression, false);
    }

    @Override
    public void close() {
        socket.abort();
    }

    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        volatile FirefoxBidi bidi;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode message = MAPPER.readTree(text);
                    if (message.path("type").asText().equals("event") && bidi != null) {
                        bidi.onEvent(message);
                    } else if (message.has("id") && bidi != null) {
                        CompletableFuture<JsonNode> waiting =
                                bidi.pending.remove(message.path("id").asLong());
                        if (waiting != null) {
                            waiting.complete(message);
                        }
                    }
                } catch (java.io.IOException e) {
                    // not JSON: nothing of ours
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
