package dev.prioritynotify.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.DayOfWeek;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Strict input reading and the one error rendering, over real HTTP: a bare Javalin server with
 * routes that read their input with {@link Input} and throw what it throws, rendered by
 * {@link ErrorRenderer} as the application registers it. (The application's own routes are
 * checked field by field in {@code notification.BadInputTest}.)
 */
class InputTest {
    private static final Input INPUT = new Input(Json.mapper());
    private static Javalin server;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        server = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.jsonMapper(new JavalinJackson(Json.mapper(), false));
            cfg.jetty.host = "127.0.0.1";
            cfg.jetty.port = 0;
            ErrorRenderer.register(cfg.routes);
            cfg.routes.post("/body", ctx -> {
                ObjectNode body = INPUT.object(ctx);
                ctx.json(Map.of(
                        "name",
                        Input.requiredString(body, "name", 5),
                        "note",
                        Input.optionalString(body, "note", 3).orElse("(none)")));
            });
            cfg.routes.get("/int", ctx -> ctx.result(Integer.toString(Input.queryInt(ctx, "n", 7, 1, 10))));
            cfg.routes.get(
                    "/enum",
                    ctx -> ctx.result(Input.queryEnum(ctx, "day", DayOfWeek::valueOf, "MONDAY, TUESDAY, …")
                            .map(DayOfWeek::name)
                            .orElse("(none)")));
            cfg.routes.get(
                    "/things/{id}", ctx -> ctx.result(Input.pathUuid(ctx, "id").toString()));
            cfg.routes.get("/limited", ctx -> {
                throw ApiError.rateLimited(7);
            });
            cfg.routes.get("/broken", ctx -> {
                throw new IllegalStateException("a bug, with a secret in its message");
            });
        });
        server.start();
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        http.close();
        server.stop();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/body"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertAnswer(HttpResponse<String> r, int status, String body) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).isEqualTo(body);
    }

    @Test
    void aRequiredString_isReadAndAnOptionalOneMayBeAbsentOrNull() throws Exception {
        assertThat(Json.mapper().readTree(post("{\"name\":\"alice\"}").body()))
                .isEqualTo(Json.mapper().readTree("{\"name\":\"alice\",\"note\":\"(none)\"}"));
        assertThat(Json.mapper()
                        .readTree(post("{\"name\":\"alice\",\"note\":null}").body()))
                .isEqualTo(Json.mapper().readTree("{\"name\":\"alice\",\"note\":\"(none)\"}"));
        assertThat(Json.mapper()
                        .readTree(post("{\"name\":\"bob\",\"note\":\"hi\"}").body()))
                .isEqualTo(Json.mapper().readTree("{\"name\":\"bob\",\"note\":\"hi\"}"));
    }

    @Test
    void aMissingOrNullRequiredString_is422NamingTheField() throws Exception {
        assertAnswer(post("{}"), 422, "{\"detail\":\"name: is required\"}");
        assertAnswer(post("{\"name\":null}"), 422, "{\"detail\":\"name: is required\"}");
    }

    @Test
    void aValueThatIsNotAString_is422() throws Exception {
        assertAnswer(post("{\"name\":5}"), 422, "{\"detail\":\"name: must be a string\"}");
        assertAnswer(post("{\"name\":\"a\",\"note\":[\"x\"]}"), 422, "{\"detail\":\"note: must be a string\"}");
    }

    @Test
    void lengthsAreCountedInCharactersNotUtf16Units() throws Exception {
        // Five emoji are ten UTF-16 units, five characters: within the limit of 5.
        assertThat(post("{\"name\":\"😀😀😀😀😀\"}").statusCode()).isEqualTo(200);
        assertAnswer(post("{\"name\":\"abcdef\"}"), 422, "{\"detail\":\"name: must be at most 5 characters\"}");
        assertAnswer(
                post("{\"name\":\"a\",\"note\":\"abcd\"}"), 422, "{\"detail\":\"note: must be at most 3 characters\"}");
    }

    @Test
    void aBodyThatIsNotJson_is400AndOneThatIsNotAnObject_is422() throws Exception {
        assertAnswer(post(""), 400, "{\"detail\":\"body: malformed JSON (empty body)\"}");
        assertAnswer(post("{\"name\":"), 400, "{\"detail\":\"body: malformed JSON (at line 1, column 9)\"}");
        assertAnswer(post("[1,2]"), 422, "{\"detail\":\"body: must be a JSON object\"}");
    }

    @Test
    void aQueryInt_hasItsDefaultAndIsRefusedOutsideItsBounds() throws Exception {
        assertAnswer(get("/int"), 200, "7");
        assertAnswer(get("/int?n=1"), 200, "1");
        assertAnswer(get("/int?n=%2010%20"), 200, "10");
        assertAnswer(get("/int?n=0"), 422, "{\"detail\":\"n: must be between 1 and 10\"}");
        assertAnswer(get("/int?n=11"), 422, "{\"detail\":\"n: must be between 1 and 10\"}");
        assertAnswer(get("/int?n=2.5"), 422, "{\"detail\":\"n: must be a whole number\"}");
        assertAnswer(get("/int?n=99999999999"), 422, "{\"detail\":\"n: must be a whole number\"}");
    }

    @Test
    void aQueryEnum_namesTheAllowedValuesWhenUnknown() throws Exception {
        assertAnswer(get("/enum"), 200, "(none)");
        assertAnswer(get("/enum?day=MONDAY"), 200, "MONDAY");
        assertAnswer(get("/enum?day=someday"), 422, "{\"detail\":\"day: must be one of MONDAY, TUESDAY, …\"}");
    }

    @Test
    void aPathUuid_mustBeTheCanonicalThirtySixCharacters() throws Exception {
        String id = "0190a3e4-5b6c-7d8e-9f00-112233445566";
        assertAnswer(get("/things/" + id), 200, id);
        assertAnswer(get("/things/not-a-uuid"), 422, "{\"detail\":\"id: must be a UUID\"}");
        // UUID.fromString would read this short form as 00000001-0002-0003-0004-000000000005.
        assertAnswer(get("/things/1-2-3-4-5"), 422, "{\"detail\":\"id: must be a UUID\"}");
    }

    @Test
    void aRateLimit_isRenderedWithRetryAfter() throws Exception {
        HttpResponse<String> r = get("/limited");
        assertAnswer(r, 429, "{\"detail\":\"too many requests; retry after 7 s\"}");
        assertThat(r.headers().firstValue("Retry-After")).contains("7");
    }

    @Test
    void anUnexpectedException_is500WithoutItsMessage() throws Exception {
        assertAnswer(get("/broken"), 500, "{\"detail\":\"internal server error\"}");
    }
}
