package dev.prioritynotify.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prioritynotify.push.TestPushService;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.support.TestServer.Response;
import dev.prioritynotify.token.Scope;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Alertmanager's webhook, as Alertmanager 0.2x sends it (payload version 4), against both databases. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class AlertmanagerTest {
    private static final String PATH = "/api/integrations/alertmanager";

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private TestServer start(Map<String, String> settings) {
        server = TestServer.start(dialect, tmp, settings, InstantSource.system());
        return server;
    }

    /** What Alertmanager posts for a group of alerts (its template.Data with version and groupKey). */
    static String payload(String status, String alerts) {
        return """
                {"receiver":"priority-notify","status":"%s","alerts":[%s],
                 "groupLabels":{"alertname":"DiskFull"},"commonLabels":{"alertname":"DiskFull","severity":"critical"},
                 "commonAnnotations":{},"externalURL":"http://alertmanager:9093","version":"4",
                 "groupKey":"{}:{alertname=\\"DiskFull\\"}","truncatedAlerts":0}""".formatted(status, alerts);
    }

    static String alert(String status, String severity, String fingerprint, String summary) {
        return """
                {"status":"%s","labels":{"alertname":"DiskFull","instance":"web-01:9100","severity":"%s"},
                 "annotations":{"summary":"%s","description":"/ is 95%% full"},
                 "startsAt":"2026-12-04T10:00:00Z","endsAt":"%s",
                 "generatorURL":"http://prometheus:9090/graph?g0.expr=disk","fingerprint":"%s"}""".formatted(
                        status,
                        severity,
                        summary,
                        status.equals("resolved") ? "2026-12-04T10:05:00Z" : "0001-01-01T00:00:00Z",
                        fingerprint);
    }

    @Test
    void firingAlertBecomesOneNotificationWithItsSummaryDescriptionUrlAndFingerprintTag() {
        start(Map.of());
        String token = server.newUserToken("ops");

        Response r = server.post(
                PATH, token, payload("firing", alert("firing", "critical", "6e5f3b8a9c0d1e2f", "Disk full on web-01")));

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("created").asInt()).isEqualTo(1);
        JsonNode n = r.json().get("items").get(0);
        assertThat(n.get("title").asText()).isEqualTo("Disk full on web-01");
        assertThat(n.get("message").asText()).isEqualTo("/ is 95% full");
        assertThat(n.get("priority").asText()).isEqualTo("critical");
        assertThat(n.get("source").asText()).isEqualTo("alertmanager");
        assertThat(n.get("url").asText()).isEqualTo("http://prometheus:9090/graph?g0.expr=disk");
        assertThat(n.get("tag").asText()).isEqualTo("alertmanager-6e5f3b8a9c0d1e2f");
        assertThat(n.get("metadata").toString())
                .isEqualTo("{\"status\":\"firing\",\"labels\":{\"alertname\":\"DiskFull\",\"instance\":\"web-01:9100\","
                        + "\"severity\":\"critical\"},\"annotations\":{\"description\":\"/ is 95% full\","
                        + "\"summary\":\"Disk full on web-01\"},\"fingerprint\":\"6e5f3b8a9c0d1e2f\","
                        + "\"startsAt\":\"2026-12-04T10:00:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\","
                        + "\"receiver\":\"priority-notify\"}");
        // It is stored like any other notification.
        assertThat(server.get("/api/notifications/" + n.get("id").asText(), token)
                        .json()
                        .get("tag")
                        .asText())
                .isEqualTo("alertmanager-6e5f3b8a9c0d1e2f");
    }

    @Test
    void eachAlertOfAGroupIsItsOwnNotificationAndResolvedOnesSayYesInTheTitle() {
        start(Map.of());
        String token = server.newUserToken("ops");

        Response r = server.post(
                PATH,
                token,
                payload(
                        "firing",
                        alert("firing", "warning", "aaaaaaaaaaaaaaa1", "Disk filling on web-01") + ","
                                + alert("resolved", "warning", "aaaaaaaaaaaaaaa2", "Disk filling on web-02")));

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("items"))
                .extracting(i -> i.get("title").asText() + " | "
                        + i.get("priority").asText() + " | " + i.get("tag").asText())
                .containsExactly(
                        "Disk filling on web-01 | high | alertmanager-aaaaaaaaaaaaaaa1",
                        "[RESOLVED] Disk filling on web-02 | high | alertmanager-aaaaaaaaaaaaaaa2");
        assertThat(server.get("/api/notifications?source=alertmanager", token)
                        .json()
                        .get("total")
                        .asInt())
                .isEqualTo(2);
    }

    @Test
    void severityMapsToPriorityByDefaultAndUnknownOnesAreMedium() {
        start(Map.of());
        String token = server.newUserToken("ops");
        StringBuilder alerts = new StringBuilder();
        List<String> severities = List.of("critical", "error", "warning", "info", "page", "CRITICAL");
        for (int i = 0; i < severities.size(); i++) {
            alerts.append(i == 0 ? "" : ",").append(alert("firing", severities.get(i), "f" + i, "s" + i));
        }

        Response r = server.post(PATH, token, payload("firing", alerts.toString()));

        assertThat(r.json().get("items"))
                .extracting(i -> i.get("priority").asText())
                .containsExactly("critical", "high", "high", "low", "medium", "critical");
    }

    @Test
    void theMappingAndTheFallbackAreSettings() {
        start(Map.of("ALERTMANAGER_PRIORITIES", "page=critical, ticket=low", "ALERTMANAGER_DEFAULT_PRIORITY", "high"));
        String token = server.newUserToken("ops");

        Response r = server.post(
                PATH,
                token,
                payload(
                        "firing",
                        alert("firing", "page", "f1", "a") + "," + alert("firing", "ticket", "f2", "b") + ","
                                + alert("firing", "critical", "f3", "c")));

        assertThat(r.json().get("items"))
                .extracting(i -> i.get("priority").asText())
                .containsExactly("critical", "low", "high");
    }

    @Test
    void withoutAnnotationsTheTitleIsTheAlertNameAndTheMessageItsLabels() {
        start(Map.of());
        String token = server.newUserToken("ops");

        Response r = server.post(PATH, token, payload("resolved", """
                {"status":"resolved","labels":{"alertname":"InstanceDown","job":"node","instance":"db-01"},
                 "annotations":{},"startsAt":"2026-12-04T10:00:00Z","endsAt":"2026-12-04T10:01:00Z",
                 "generatorURL":"","fingerprint":"0123456789abcdef"}"""));

        JsonNode n = r.json().get("items").get(0);
        assertThat(n.get("title").asText()).isEqualTo("[RESOLVED] InstanceDown");
        assertThat(n.get("message").asText()).isEqualTo("instance=db-01, job=node");
        assertThat(n.get("priority").asText()).isEqualTo("medium");
        assertThat(n.get("url").isNull()).isTrue();
    }

    @Test
    void theResolvedPushCarriesTheFiringOnesTagAndTopicSoItReplacesIt() throws Exception {
        start(TestPushService.serverSettings(Map.of()));
        try (TestPushService push = TestPushService.start(
                server.get("/api/push/vapid-key", null).json().get("publicKey").asText())) {
            String token = server.newUserToken("ops");
            TestPushService.Device phone = push.device();
            assertThat(server.post("/api/push/subscribe", token, phone.subscriptionJson())
                            .status())
                    .isEqualTo(201);

            server.post(PATH, token, payload("firing", alert("firing", "critical", "6e5f3b8a9c0d1e2f", "Disk full")));
            server.post(
                    PATH, token, payload("resolved", alert("resolved", "critical", "6e5f3b8a9c0d1e2f", "Disk full")));

            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> phone.received().size() >= 2);
            List<TestPushService.Received> pushes = phone.received();
            assertThat(pushes)
                    .extracting(p -> TestServer.mapper()
                            .readTree(p.plaintext())
                            .get("tag")
                            .asText())
                    .containsExactly("alertmanager-6e5f3b8a9c0d1e2f", "alertmanager-6e5f3b8a9c0d1e2f");
            assertThat(pushes)
                    .extracting(p -> TestServer.mapper()
                            .readTree(p.plaintext())
                            .get("title")
                            .asText())
                    .containsExactlyInAnyOrder("Disk full", "[RESOLVED] Disk full");
            assertThat(pushes)
                    .extracting(p -> p.headers().get("topic"))
                    .containsExactly("alertmanager-6e5f3b8a9c0d1e2f", "alertmanager-6e5f3b8a9c0d1e2f");
        }
    }

    @Test
    void badPayloadsAre4xxNamingTheFieldAndCreateNothing() {
        start(Map.of());
        String token = server.newUserToken("ops");
        String good = alert("firing", "critical", "f1", "ok");
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"version\":\"4\"}", "alerts: is required");
        cases.put("{\"alerts\":{}}", "alerts: is required");
        cases.put(payload("firing", good + ",42"), "alerts[1]: must be an object");
        cases.put(payload("firing", good + ",{\"labels\":{}}"), "alerts[1].status: is required");
        cases.put(
                payload("firing", "{\"status\":\"pending\",\"labels\":{}}"),
                "alerts[0].status: must be firing or resolved");
        cases.put(payload("firing", "{\"status\":\"firing\"}"), "alerts[0].labels: is required");
        cases.put(
                payload("firing", "{\"status\":\"firing\",\"labels\":{\"a\":1}}"),
                "alerts[0].labels.a: must be a string");
        cases.put(payload("firing", "{\"status\":\"firing\",\"labels\":[]}"), "alerts[0].labels: must be an object");
        cases.put(
                payload("firing", "{\"status\":\"firing\",\"labels\":{},\"annotations\":{\"summary\":false}}"),
                "alerts[0].annotations.summary: must be a string");
        cases.put(
                payload("firing", "{\"status\":\"firing\",\"labels\":{},\"generatorURL\":\"javascript:alert(1)\"}"),
                "alerts[0].generatorURL: must be an http(s) URL");
        cases.put(
                payload("firing", "{\"status\":\"firing\",\"labels\":{},\"fingerprint\":7}"),
                "alerts[0].fingerprint: must be a string");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Response r = server.post(PATH, token, c.getKey());
            assertThat(r.status()).as(c.getKey() + " → " + r.body()).isBetween(400, 499);
            assertThat(r.detail()).as(c.getKey()).startsWith(c.getValue());
        }
        Response malformed = server.post(PATH, token, "{\"alerts\":[");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.detail()).startsWith("body: malformed JSON");
        assertThat(server.get("/api/notifications", token).json().get("total").asInt())
                .as("nothing half-written: a bad second alert kept the good first one out too")
                .isZero();
    }

    @Test
    void itNeedsATokenWithThePublishScope() {
        start(Map.of());
        String readOnly = server.token(server.user("reader"), Scope.READ);
        String body = payload("firing", alert("firing", "critical", "f1", "x"));

        assertThat(server.post(PATH, null, body).status()).isEqualTo(401);
        Response r = server.post(PATH, readOnly, body);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.detail()).contains("publish");
    }

    @Test
    void overLongAnnotationsAreShortenedNotRefused() {
        start(Map.of());
        String token = server.newUserToken("ops");
        String summary = "s".repeat(1000);

        Response r = server.post(PATH, token, payload("firing", alert("firing", "info", "f1", summary)));

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String title = r.json().get("items").get(0).get("title").asText();
        assertThat(title).hasSize(256).endsWith("…");
    }

    @Test
    void grafanasWebhookContactPointIsReadTheSameWay() {
        start(Map.of());
        String token = server.newUserToken("ops");
        // Grafana's documented webhook body (version 1): Alertmanager's shape plus values, panel and silence URLs.
        String grafana = """
                {"receiver":"My Super Webhook","status":"firing","orgId":1,"alerts":[
                 {"status":"firing","labels":{"alertname":"High memory usage","team":"blue","zone":"us-1"},
                  "annotations":{"description":"The system has high memory usage",
                   "runbook_url":"https://myrunbook.com/runbook/1234","summary":"This alert was triggered for zone us-1"},
                  "startsAt":"2021-10-12T09:51:03.157076+02:00","endsAt":"0001-01-01T00:00:00Z",
                  "generatorURL":"https://play.grafana.org/alerting/1afz29v7z/edit","fingerprint":"c6eadffa33fcdf37",
                  "silenceURL":"https://play.grafana.org/alerting/silence/new?alertmanager=grafana",
                  "dashboardURL":"","panelURL":"","values":{"B":44.23943737541908,"C":1}}],
                 "groupLabels":{},"commonLabels":{"team":"blue"},"commonAnnotations":{},
                 "externalURL":"https://play.grafana.org/","version":"1","groupKey":"{}:{alertname=\\"High memory usage\\"}",
                 "truncatedAlerts":0,"title":"[FIRING:1]  (blue)","state":"alerting",
                 "message":"**Firing**\\n\\nLabels:\\n - alertname = High memory usage"}""";

        Response r = server.post(PATH, token, grafana);

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode n = r.json().get("items").get(0);
        assertThat(n.get("title").asText()).isEqualTo("This alert was triggered for zone us-1");
        assertThat(n.get("message").asText()).isEqualTo("The system has high memory usage");
        assertThat(n.get("url").asText()).isEqualTo("https://play.grafana.org/alerting/1afz29v7z/edit");
        assertThat(n.get("tag").asText()).isEqualTo("alertmanager-c6eadffa33fcdf37");
        assertThat(n.get("priority").asText()).as("no severity label").isEqualTo("medium");
    }
}
