package dev.prioritynotify.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.support.TestServer.Response;
import dev.prioritynotify.token.Scope;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** The generic JSON webhook, with the bodies Uptime Kuma and GitHub send, against both databases. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class WebhookTest {
    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestServer server;
    String token;

    @BeforeEach
    void start() {
        server = TestServer.start(dialect, tmp);
        token = server.newUserToken("alice");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String query(Map<String, String> mapping) {
        return mapping.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private Response hook(Map<String, String> mapping, String body) {
        return server.post("/api/integrations/webhook?" + query(mapping), token, body);
    }

    /** Uptime Kuma's webhook ("application/json" body) when a monitor goes down. */
    private static final String UPTIME_KUMA_DOWN = """
            {"heartbeat":{"monitorID":3,"status":0,"time":"2026-12-04 18:00:00.123","msg":"timeout of 48000ms exceeded",
              "important":true,"duration":60},
             "monitor":{"id":3,"name":"web-01","url":"https://web-01.example/","type":"http","interval":60},
             "msg":"[web-01] [🔴 Down] timeout of 48000ms exceeded"}""";

    private static Map<String, String> uptimeKuma() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("title", "{/monitor/name} is {/heartbeat/status}");
        m.put("message", "{/msg}");
        m.put("url", "{/monitor/url}");
        m.put("priority", "{/heartbeat/status}");
        m.put("priorities", "0:critical,1:low,2:medium");
        m.put("tag", "kuma-{/monitor/id}");
        m.put("source", "uptime-kuma");
        return m;
    }

    @Test
    void anUptimeKumaBodyBecomesANotificationThroughTheMappingInTheUrl() {
        Response r = hook(uptimeKuma(), UPTIME_KUMA_DOWN);

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode n = r.json();
        assertThat(n.get("title").asText()).isEqualTo("web-01 is 0");
        assertThat(n.get("message").asText()).isEqualTo("[web-01] [🔴 Down] timeout of 48000ms exceeded");
        assertThat(n.get("url").asText()).isEqualTo("https://web-01.example/");
        assertThat(n.get("priority").asText()).isEqualTo("critical");
        assertThat(n.get("tag").asText()).isEqualTo("kuma-3");
        assertThat(n.get("source").asText()).isEqualTo("uptime-kuma");
        assertThat(server.get("/api/notifications/" + n.get("id").asText(), token)
                        .body())
                .isEqualTo(r.body());
    }

    @Test
    void aGithubWorkflowRunBodyWithTheTokenInTheQuery() {
        String githubWorkflowRun = """
                {"action":"completed","workflow_run":{"id":30433642,"name":"CI","head_branch":"main",
                  "status":"completed","conclusion":"failure","html_url":"https://github.com/o/r/actions/runs/30433642"},
                 "repository":{"full_name":"o/r"},"sender":{"login":"octocat"}}""";
        Map<String, String> mapping = new LinkedHashMap<>();
        mapping.put("title", "{/workflow_run/name} {/workflow_run/conclusion} on {/workflow_run/head_branch}");
        mapping.put("message", "{/repository/full_name} by {/sender/login}");
        mapping.put("url", "{/workflow_run/html_url}");
        mapping.put("priority", "{/workflow_run/conclusion}");
        mapping.put("priorities", "failure:high,success:low,cancelled:low");
        mapping.put("source", "github");
        mapping.put("token", token);

        Response r = server.post("/api/integrations/webhook?" + query(mapping), null, githubWorkflowRun);

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("title").asText()).isEqualTo("CI failure on main");
        assertThat(r.json().get("message").asText()).isEqualTo("o/r by octocat");
        assertThat(r.json().get("priority").asText()).isEqualTo("high");
        assertThat(r.json().get("url").asText()).isEqualTo("https://github.com/o/r/actions/runs/30433642");
    }

    @Test
    void withoutAMappingOfPrioritiesTheValueMustBeOneOfOursAndObjectsRenderAsJson() {
        Map<String, String> mapping = Map.of("title", "{/a}", "message", "{/obj}", "priority", "{/p}");

        Response r = hook(mapping, "{\"a\":\"x\",\"obj\":{\"k\":[1,true]},\"p\":\"HIGH\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("message").asText()).isEqualTo("{\"k\":[1,true]}");
        assertThat(r.json().get("priority").asText()).isEqualTo("high");
        assertThat(r.json().get("source").asText()).isEqualTo("webhook");
    }

    @Test
    void anEmptyTitleFallsBackToTheMessagesFirstLine() {
        Response r = hook(Map.of("title", "{/missing}", "message", "{/msg}"), "{\"msg\":\"first line\\nsecond\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("title").asText()).isEqualTo("first line");
    }

    @Test
    void badMappingsAndBodiesAre4xxNamingTheParameter() {
        Map<Map<String, String>, String> cases = new LinkedHashMap<>();
        cases.put(Map.of("message", "{/msg}"), "title: is required");
        cases.put(Map.of("title", "{/nothing}"), "title: '{/nothing}' gave an empty title");
        cases.put(Map.of("title", "t", "priority", "{/p}"), "priority: 'urgent' is neither one of");
        cases.put(Map.of("title", "t", "priorities", "urgent"), "priorities: write value:priority pairs");
        cases.put(Map.of("title", "t", "priorities", "a:urgent"), "priorities: 'urgent' is not one of");
        cases.put(Map.of("title", "t", "url", "{/u}"), "url: must be an http(s) URL");
        for (Map.Entry<Map<String, String>, String> c : cases.entrySet()) {
            Response r = hook(c.getKey(), "{\"p\":\"urgent\",\"u\":\"javascript:x\",\"msg\":\"m\"}");
            assertThat(r.status()).as(c.getKey() + " → " + r.body()).isEqualTo(422);
            assertThat(r.detail()).as(c.getKey().toString()).startsWith(c.getValue());
        }
        Response malformed = hook(Map.of("title", "t"), "{nope");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.detail()).startsWith("body: malformed JSON");
        assertThat(server.get("/api/notifications", token).json().get("total").asInt())
                .isZero();
    }

    @Test
    void aReadOnlyOrUnknownTokenIsRefused() {
        String readOnly = server.token(server.user("reader"), Scope.READ);
        assertThat(server.post("/api/integrations/webhook?title=t", readOnly, "{}")
                        .status())
                .isEqualTo(403);
        assertThat(server.post("/api/integrations/webhook?title=t&token=" + readOnly, null, "{}")
                        .status())
                .isEqualTo(403);
        assertThat(server.post("/api/integrations/webhook?title=t&token=pn_nope", null, "{}")
                        .status())
                .isEqualTo(401);
        assertThat(server.post("/api/integrations/webhook?title=t", null, "{}").status())
                .isEqualTo(401);
    }
}
