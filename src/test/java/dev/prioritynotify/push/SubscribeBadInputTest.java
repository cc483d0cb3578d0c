package dev.prioritynotify.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prioritynotify.store.Dialect;
import dev.prioritynotify.support.TestServer;
import dev.prioritynotify.support.TestServer.Response;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Each bad subscription is refused with a 4xx naming the field, and nothing is stored. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.prioritynotify.support.TestDatabases#both")
class SubscribeBadInputTest {
    /** RFC 8291 Appendix A's user agent key: a valid point. */
    static final String P256DH =
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";

    static final String AUTH = "BTBZMqHH6r4Tts7J_aSIgg";
    static final String FCM = "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91bH";

    @Parameter
    Dialect dialect;

    @TempDir
    Path tmp;

    TestServer server;
    String token;

    @BeforeEach
    void start() {
        server = TestServer.start(
                dialect,
                tmp,
                Map.of("VAPID_SUBJECT", "mailto:ops@example.com", "PUSH_ALLOWED_HOSTS", "localhost,push.example.net"),
                InstantSource.system());
        token = server.newUserToken("alice");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String subscription(String endpoint, String p256dh, String auth) {
        return "{\"endpoint\":\"" + endpoint + "\",\"keys\":{\"p256dh\":\"" + p256dh + "\",\"auth\":\"" + auth + "\"}}";
    }

    private void assertRefused(String body, int status, String detailStart) {
        Response r = server.post("/api/push/subscribe", token, body);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.detail()).startsWith(detailStart);
        assertThat(server.get("/api/push/subscriptions", token)
                        .json()
                        .get("total")
                        .asInt())
                .as("nothing stored")
                .isZero();
    }

    @Test
    void aValidSubscriptionToAKnownPushServiceIsAccepted() {
        assertThat(server.post("/api/push/subscribe", token, subscription(FCM, P256DH, AUTH))
                        .status())
                .isEqualTo(201);
    }

    @Test
    void missingKeysIs422() {
        assertRefused("{\"endpoint\":\"" + FCM + "\"}", 422, "keys: is required");
        assertRefused(
                "{\"endpoint\":\"" + FCM + "\",\"keys\":{\"auth\":\"" + AUTH + "\"}}", 422, "keys.p256dh: is required");
        assertRefused(
                "{\"endpoint\":\"" + FCM + "\",\"keys\":{\"p256dh\":\"" + P256DH + "\"}}",
                422,
                "keys.auth: is required");
        assertRefused(
                "{\"keys\":{\"p256dh\":\"" + P256DH + "\",\"auth\":\"" + AUTH + "\"}}", 422, "endpoint: is required");
    }

    @Test
    void wrongTypesAre422() {
        assertRefused("{\"endpoint\":42,\"keys\":{}}", 422, "endpoint: must be a string");
        assertRefused("{\"endpoint\":\"" + FCM + "\",\"keys\":\"abc\"}", 422, "keys: must be an object");
        assertRefused(
                "{\"endpoint\":\"" + FCM + "\",\"keys\":{\"p256dh\":1,\"auth\":\"" + AUTH + "\"}}",
                422,
                "keys.p256dh: must be a string");
        assertRefused(
                subscription(FCM, P256DH, AUTH).replaceFirst("\\}$", ",\"min_priority\":\"urgent\"}"),
                422,
                "min_priority: must be one of");
        assertRefused("not json", 400, "body: malformed JSON");
    }

    @Test
    void keysThatAreNotBase64UrlAre422() {
        assertRefused(subscription(FCM, "not base64 !!!", AUTH), 422, "keys.p256dh:");
        assertRefused(subscription(FCM, P256DH, "***"), 422, "keys.auth:");
    }

    @Test
    void p256dhNotOnTheCurveOrOfTheWrongLengthIs422() {
        byte[] point = java.util.Base64.getUrlDecoder().decode(P256DH);
        point[64] ^= 1; // y no longer matches x
        String offCurve = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(point);
        assertRefused(subscription(FCM, offCurve, AUTH), 422, "keys.p256dh: is not a point on P-256");
        assertRefused(
                subscription(FCM, P256DH.substring(0, 40), AUTH),
                422,
                "keys.p256dh: must be an uncompressed P-256 point");
    }

    @Test
    void authThatIsNot16BytesIs422() {
        assertRefused(subscription(FCM, P256DH, "BTBZMqHH6r4Tts7J_aSI"), 422, "keys.auth: must be 16 bytes");
    }

    @Test
    void plainHttpEndpointIs422() {
        assertRefused(
                subscription("http://fcm.googleapis.com/fcm/send/x", P256DH, AUTH),
                422,
                "endpoint: must be an https:// URL");
    }

    @Test
    void endpointOnAnUnknownHostIs422() {
        assertRefused(
                subscription("https://push.evil.example/x", P256DH, AUTH),
                422,
                "endpoint: host push.evil.example is not a known push service");
    }

    @Test
    void endpointsAtInternalAddressesAre422() {
        assertRefused(
                subscription("https://127.0.0.1/x", P256DH, AUTH),
                422,
                "endpoint: host 127.0.0.1 is not a known push service");
        assertRefused(
                subscription("https://169.254.169.254/latest/meta-data", P256DH, AUTH),
                422,
                "endpoint: host 169.254.169.254");
        assertRefused(subscription("https://[::1]/x", P256DH, AUTH), 422, "endpoint: host ::1");
        assertRefused(subscription("https://10.0.0.8/x", P256DH, AUTH), 422, "endpoint: host 10.0.0.8");
    }

    @Test
    void anAllowedHostnameThatResolvesToAnInternalAddressIs422() {
        assertRefused(
                subscription("https://localhost/push/x", P256DH, AUTH),
                422,
                "endpoint: host localhost resolves to an internal address");
    }

    @Test
    void aTenKilobyteEndpointIs422() {
        assertRefused(
                subscription(FCM + "a".repeat(10_000), P256DH, AUTH), 422, "endpoint: must be at most 2048 characters");
    }

    @Test
    void unsubscribeWithoutAnEndpointOrIdIs422() {
        Response r = server.delete("/api/push/unsubscribe", token);
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.detail()).startsWith("endpoint: is required");
        assertThat(server.delete("/api/push/unsubscribe?id=nope", token).detail())
                .isEqualTo("id: must be a UUID");
    }

    @Test
    void subscribingNeedsTheReadScope() {
        String publishOnly = server.token(
                server.app().services().accounts().find("alice").orElseThrow(), dev.prioritynotify.token.Scope.PUBLISH);
        Response r = server.post("/api/push/subscribe", publishOnly, subscription(FCM, P256DH, AUTH));
        assertThat(r.status()).isEqualTo(403);
        assertThat(server.post("/api/push/subscribe", null, subscription(FCM, P256DH, AUTH))
                        .status())
                .isEqualTo(401);
    }
}
