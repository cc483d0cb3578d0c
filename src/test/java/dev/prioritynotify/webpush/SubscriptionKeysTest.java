package dev.prioritynotify.webpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SubscriptionKeysTest {

    private static final String UA_PUBLIC = Vectors.text("rfc8291_appendix_a", "ua_public");
    private static final String AUTH = Vectors.text("rfc8291_appendix_a", "auth_secret");

    @Test
    void acceptsBrowserKeysInBase64Url() {
        SubscriptionKeys keys = SubscriptionKeys.parse(UA_PUBLIC, AUTH);

        assertThat(keys.p256dh()).hasSize(65).startsWith(0x04);
        assertThat(keys.auth()).hasSize(16);
        assertThat(keys.p256dhBase64Url()).isEqualTo(UA_PUBLIC);
        assertThat(keys.authBase64Url()).isEqualTo(AUTH);
    }

    @Test
    void toleratesPaddingAndTheStandardAlphabet() {
        byte[] point = Base64.getUrlDecoder().decode(UA_PUBLIC);
        byte[] auth = Base64.getUrlDecoder().decode(AUTH);
        String standard = Base64.getEncoder().encodeToString(point); // with '=', '+' and '/'

        SubscriptionKeys keys = SubscriptionKeys.parse(
                " " + standard + "\n", Base64.getEncoder().encodeToString(auth));

        assertThat(keys).isEqualTo(SubscriptionKeys.parse(UA_PUBLIC, AUTH));
    }

    @Test
    void refusesAPointNotOnTheCurveNamingP256dh() {
        byte[] point = Base64.getUrlDecoder().decode(UA_PUBLIC);
        point[64] ^= 1; // y changed: same length and prefix, no longer on P-256

        assertThatThrownBy(
                        () -> new SubscriptionKeys(point, Base64.getUrlDecoder().decode(AUTH)))
                .isInstanceOf(InvalidSubscriptionKeyException.class)
                .hasMessage("keys.p256dh: is not a point on P-256")
                .extracting(e -> ((InvalidSubscriptionKeyException) e).field())
                .isEqualTo("keys.p256dh");
    }

    @Test
    void refusesCoordinatesOutsideTheFieldAndTheZeroPoint() {
        byte[] auth = new byte[16];
        byte[] zero = new byte[65];
        zero[0] = 0x04;
        byte[] large = P256.uncompressed(P256.P, BigInteger.ONE);

        assertThatThrownBy(() -> new SubscriptionKeys(zero, auth)).hasMessageStartingWith("keys.p256dh:");
        assertThatThrownBy(() -> new SubscriptionKeys(large, auth)).hasMessageStartingWith("keys.p256dh:");
    }

    @Test
    void refusesACompressedOrShortPointNamingP256dh() {
        byte[] point = Base64.getUrlDecoder().decode(UA_PUBLIC);
        byte[] compressed = java.util.Arrays.copyOf(point, 33);
        compressed[0] = 0x02;

        assertThatThrownBy(() -> new SubscriptionKeys(compressed, new byte[16]))
                .isInstanceOf(InvalidSubscriptionKeyException.class)
                .hasMessageStartingWith("keys.p256dh: must be an uncompressed P-256 point");
    }

    @Test
    void refusesTextThatIsNotBase64UrlNamingTheField() {
        assertThatThrownBy(() -> SubscriptionKeys.parse("not base64!", AUTH))
                .isInstanceOf(InvalidSubscriptionKeyException.class)
                .hasMessage("keys.p256dh: is not base64url");
        assertThatThrownBy(() -> SubscriptionKeys.parse(UA_PUBLIC, "%%%")).hasMessage("keys.auth: is not base64url");
        assertThatThrownBy(() -> SubscriptionKeys.parse(UA_PUBLIC, " ")).hasMessage("keys.auth: missing");
        assertThatThrownBy(() -> SubscriptionKeys.parse(null, AUTH)).hasMessage("keys.p256dh: missing");
    }

    @Test
    void refusesAnAuthSecretThatIsNot16Bytes() {
        String fifteen = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[15]);
        String seventeen = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[17]);

        assertThatThrownBy(() -> SubscriptionKeys.parse(UA_PUBLIC, fifteen))
                .isInstanceOf(InvalidSubscriptionKeyException.class)
                .hasMessage("keys.auth: must be 16 bytes, got 15")
                .extracting(e -> ((InvalidSubscriptionKeyException) e).field())
                .isEqualTo("keys.auth");
        assertThatThrownBy(() -> SubscriptionKeys.parse(UA_PUBLIC, seventeen))
                .hasMessage("keys.auth: must be 16 bytes, got 17");
    }

    @Test
    void neverPrintsTheAuthSecret() {
        assertThat(SubscriptionKeys.parse(UA_PUBLIC, AUTH).toString())
                .doesNotContain(AUTH)
                .contains("auth=***");
    }

    @Test
    void keepsItsOwnCopyOfTheBytes() {
        byte[] point = Base64.getUrlDecoder().decode(UA_PUBLIC);
        SubscriptionKeys keys = new SubscriptionKeys(point, new byte[16]);
        point[1] ^= 1;
        keys.p256dh()[2] ^= 1;

        assertThat(keys.p256dhBase64Url()).isEqualTo(UA_PUBLIC);
    }
}
