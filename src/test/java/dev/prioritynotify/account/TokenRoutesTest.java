package dev.prioritynotify.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.Browser;
import dev.prioritynotify.support.MutableClock;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.support.TestServer.Response;
import dev.prioritynotify.user.User;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code /api/tokens/} through the real application on both databases, signed in as a browser. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class TokenRoutesTest {
    private static final String PASSWORD = "alice's long enough password";

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    MutableClock clock = MutableClock.atNow();
    TestServer server;
    User alice;
    Browser browser;

    @BeforeEach
    void start() {
        start(Map.of());
    }

    private void start(Map<String, String> settings) {
        server = TestServer.start(dialect, tmp, settings, clock);
        alice = server.app().services().accounts().create("alice", false, Optional.of(PASSWORD.toCharArray()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Browser browser() {
        if (browser == null) {
            browser = Browser.signIn(server, "alice", PASSWORD);
        }
        return browser;
    }

    private JsonNode create(Browser b, String json) {
        Response r = b.post("/api/tokens/", json);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    @Test
    void creating_answers201WithThePlaintextOnce_andTheListShowsOnlyItsMetadata() {
        Response r = browser()
                .post(
                        "/api/tokens/",
                        "{\"name\":\"phone\",\"device_type\":\"android\",\"scopes\":[\"read\"],\"expires_in_days\":30}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.raw().headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode created = r.json();
        String id = created.get("id").asText();
        String plaintext = created.get("token").asText();
        assertThat(plaintext).matches("pn_[A-Za-z0-9_-]{43}");
        assertThat(created.get("name").asText()).isEqualTo("phone");
        assertThat(created.get("device_type").asText()).isEqualTo("android");
        assertThat(created.get("scopes").toString()).isEqualTo("[\"read\"]");
        assertThat(created.get("created_at").asText()).isEqualTo(clock.instant().toString());
        assertThat(created.get("expires_at").asText())
                .isEqualTo(clock.instant().plus(Duration.ofDays(30)).toString());
        assertThat(created.get("last_used_at").isNull()).isTrue();
        assertThat(created.get("qr").asText()).isEqualTo("/api/tokens/" + id + "/qr");
        assertThat(created.get("qr_expires_at").asText())
                .isEqualTo(clock.instant().plus(Duration.ofMinutes(5)).toString());
        assertThat(created.get("connect_uri").asText())
                .isEqualTo("prioritynotify://connect?server="
                        + URLEncoder.encode(Browser.originOf(server), StandardCharsets.UTF_8) + "&token=" + plaintext);

        // The token works with its scope, and only its scope.
        assertThat(server.get("/api/notifications/", plaintext).status()).isEqualTo(200);
        assertThat(server.post("/api/notifications/", plaintext, "{\"title\":\"t\"}")
                        .status())
                .isEqualTo(403);

        Response list = browser().get("/api/tokens/");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(plaintext).doesNotContain("hash");
        JsonNode item = list.json().get("items").get(0);
        assertThat(list.json().get("items")).hasSize(1);
        assertThat(item.properties())
                .extracting(Map.Entry::getKey)
                .containsExactly("id", "name", "device_type", "scopes", "created_at", "last_used_at", "expires_at");
        assertThat(item.get("id").asText()).isEqualTo(id);
        assertThat(item.get("last_used_at").asText())
                .as("used once above")
                .isEqualTo(clock.instant().toString());
    }

    @Test
    void defaults_areTheCliDefaults_bothScopesDeviceOtherNoExpiry() {
        JsonNode created = create(browser(), "{\"name\":\"laptop\"}");
        assertThat(created.get("device_type").asText()).isEqualTo("other");
        assertThat(created.get("scopes").toString()).isEqualTo("[\"publish\",\"read\"]");
        assertThat(created.get("expires_at").isNull()).isTrue();
    }

    @Test
    void expiry_mayBeADurationAsTheCliTakesIt_orAMoment() {
        assertThat(create(browser(), "{\"name\":\"a\",\"expires_in\":\"12h\"}")
                        .get("expires_at")
                        .asText())
                .isEqualTo(clock.instant().plus(Duration.ofHours(12)).toString());
        assertThat(create(browser(), "{\"name\":\"b\",\"expires_at\":\"2099-01-31T12:00:00+01:00\"}")
                        .get("expires_at")
                        .asText())
                .isEqualTo("2099-01-31T11:00:00Z");
        assertThat(create(browser(), "{\"name\":\"c\",\"scopes\":\"publish\"}")
                        .get("scopes")
                        .toString())
                .isEqualTo("[\"publish\"]");
    }

    @Test
    void theQrCode_isAPngOfTheConnectUri_forTheSignInThatCreatedTheToken_forFiveMinutes() throws Exception {
        JsonNode created = create(browser(), "{\"name\":\"phone\",\"device_type\":\"android\"}");
        String qr = created.get("qr").asText();

        HttpResponse<byte[]> png = browser().getBytes(qr);
        assertThat(png.statusCode()).isEqualTo(200);
        assertThat(png.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(png.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(decodeQr(png.body())).isEqualTo(created.get("connect_uri").asText());

        Browser otherSignIn = Browser.signIn(server, "alice", PASSWORD);
        assertThat(otherSignIn.getBytes(qr).statusCode())
                .as("another session of the same user")
                .isEqualTo(404);
        Response asToken = server.get(qr, server.token(alice));
        assertThat(asToken.status()).as("a token caller").isEqualTo(403);
        assertThat(asToken.detail()).isEqualTo("Authorization: this needs a signed-in session, not an API token");

        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertThat(browser().getBytes(qr).statusCode())
                .as("just before 5 minutes")
                .isEqualTo(200);
        clock.advance(Duration.ofMillis(1));
        Response expired = browser().get(qr);
        assertThat(expired.status()).as("after 5 minutes").isEqualTo(404);
        assertThat(expired.detail())
                .isEqualTo("QR code (shown only to the sign-in that created the token, for 5 minutes) not found");
    }

    @Test
    void theConnectUri_namesBaseUrl_whenItIsSet() {
        server.close();
        start(Map.of("BASE_URL", "https://notify.example/"));
        Browser b = Browser.signIn(server, "https://notify.example", "alice", PASSWORD);
        JsonNode created = create(b, "{\"name\":\"phone\"}");
        assertThat(created.get("connect_uri").asText())
                .isEqualTo("prioritynotify://connect?server=https%3A%2F%2Fnotify.example&token="
                        + created.get("token").asText());
    }

    @Test
    void revoking_answers204_andTheTokenIsRefusedOnTheNextRequest_andItsQrCodeIsGone() {
        JsonNode created = create(browser(), "{\"name\":\"phone\"}");
        String id = created.get("id").asText();
        String plaintext = created.get("token").asText();
        assertThat(server.get("/api/me", plaintext).status()).isEqualTo(200);

        assertThat(browser().delete("/api/tokens/" + id).status()).isEqualTo(204);

        Response refused = server.get("/api/me", plaintext);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.detail()).isEqualTo("Authorization: unknown or revoked token");
        assertThat(browser().get("/api/tokens/" + id + "/qr").status()).isEqualTo(404);
        assertThat(browser().get("/api/tokens/").json().get("items")).isEmpty();
        assertThat(browser().delete("/api/tokens/" + id).status()).as("again").isEqualTo(404);
    }

    @Test
    void anotherUsersToken_isNotFound_andKeepsWorking() {
        User bob = server.user("bob");
        String bobs = server.token(bob);
        String bobsId =
                server.app().services().tokens().list(bob.id()).getFirst().id().toString();

        Response r = browser().delete("/api/tokens/" + bobsId);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.detail()).isEqualTo("token not found");
        assertThat(server.get("/api/me", bobs).status()).isEqualTo(200);
        assertThat(browser().get("/api/tokens/").json().get("items")).isEmpty();
    }

    @Test
    void aTokenCaller_cannotListCreateOrRevokeTokens() {
        String token = server.token(alice);
        String id = server.app()
                .services()
                .tokens()
                .list(alice.id())
                .getFirst()
                .id()
                .toString();
        for (Response r : List.of(
                server.get("/api/tokens/", token),
                server.post("/api/tokens/", token, "{\"name\":\"more\"}"),
                server.delete("/api/tokens/" + id, token))) {
            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(r.detail()).isEqualTo("Authorization: this needs a signed-in session, not an API token");
        }
        assertThat(server.app().services().tokens().list(alice.id())).hasSize(1);
    }

    @Test
    void withoutASignIn_theRoutesAnswer401() {
        assertThat(server.get("/api/tokens/", null).status()).isEqualTo(401);
    }

    @Test
    void badInput_isRefusedWithADetailNamingTheField() {
        Map<String, String> cases = Map.ofEntries(
                Map.entry("{}", "name: is required"),
                Map.entry("{\"name\":\"  \"}", "name: must not be blank"),
                Map.entry("{\"name\":\"" + "x".repeat(101) + "\"}", "name: must be at most 100 characters"),
                Map.entry("{\"name\":5}", "name: must be a string"),
                Map.entry(
                        "{\"name\":\"n\",\"device_type\":\"fridge\"}",
                        "device_type: must be one of android, gnome, browser, script, other"),
                Map.entry(
                        "{\"name\":\"n\",\"scopes\":[\"write\"]}",
                        "scopes: must be a list of publish, read; got 'write'"),
                Map.entry("{\"name\":\"n\",\"scopes\":[]}", "scopes: must name at least one of publish, read"),
                Map.entry("{\"name\":\"n\",\"scopes\":5}", "scopes: must be a list of publish, read"),
                Map.entry(
                        "{\"name\":\"n\",\"expires_in_days\":0}",
                        "expires_in_days: must be a whole number from 1 to 36500"),
                Map.entry(
                        "{\"name\":\"n\",\"expires_in_days\":\"7\"}",
                        "expires_in_days: must be a whole number from 1 to 36500"),
                Map.entry(
                        "{\"name\":\"n\",\"expires_in\":\"soon\"}",
                        "expires_in: must be a duration like 90d, 12h or 30m"),
                Map.entry(
                        "{\"name\":\"n\",\"expires_at\":\"tomorrow\"}",
                        "expires_at: must be an ISO-8601 timestamp with an offset, such as 2027-01-31T12:00:00Z"),
                Map.entry(
                        "{\"name\":\"n\",\"expires_at\":\"2001-01-01T00:00:00Z\"}",
                        "expires_at: must be in the future"),
                Map.entry(
                        "{\"name\":\"n\",\"expires_in_days\":7,\"expires_at\":\"2099-01-01T00:00:00Z\"}",
                        "expires_at: give only one of expires_in, expires_in_days, expires_at"),
                Map.entry("[]", "body: must be a JSON object"));
        SoftAssertions soft = new SoftAssertions();
        cases.forEach((body, detail) -> {
            Response r = browser().post("/api/tokens/", body);
            soft.assertThat(r.status()).as(body + ": " + r.body()).isEqualTo(422);
            soft.assertThat(r.detail()).as(body).isEqualTo(detail);
        });
        Response malformed = browser().post("/api/tokens/", "{\"name\":");
        soft.assertThat(malformed.status()).isEqualTo(400);
        soft.assertThat(malformed.detail()).startsWith("body: malformed JSON");
        Response badId = browser().delete("/api/tokens/not-a-uuid");
        soft.assertThat(badId.status()).isEqualTo(422);
        soft.assertThat(badId.detail()).isEqualTo("id: must be a UUID");
        soft.assertAll();
        assertThat(server.app().services().tokens().list(alice.id()))
                .as("none was made")
                .isEmpty();
    }

    /**
     * Reads the QR code in a PNG with ZXing's own reader. As a pure barcode (the image is nothing
     * but the code and its quiet zone): ZXing's generic finder-pattern search misses about one
     * perfect synthetic code in a hundred (NotFound/Checksum), which would make this test flaky
     * while the modules are right; the pure reading checks exactly the modules drawn.
     */
    static String decodeQr(byte[] png) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image).as("a PNG ImageIO can read").isNotNull();
        int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        // PURE_BARCODE: our PNG is an exact, upright code with its quiet zone, so the modules are read
        // off the grid. ZXing's general search (finder patterns anywhere, any angle) misses about one
        // perfect code in a hundred, which would make this test fail on codes that are correct.
        return new QRCodeReader()
                .decode(
                        new BinaryBitmap(new HybridBinarizer(
                                new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels))),
                        Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE))
                .getText();
    }
}
