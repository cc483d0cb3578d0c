package dev.prioritynotify.webpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class VapidKeysTest {

    /** A throw-away test key written by {@code openssl ecparam -name prime256v1 -genkey}. */
    private static final String OPENSSL_SEC1 = """
            -----BEGIN EC PARAMETERS-----
            BggqhkjOPQMBBw==
            -----END EC PARAMETERS-----
            -----BEGIN EC PRIVATE KEY-----
            MHcCAQEEINywLAhP7so1XFKHOY/Gu7J21xq/aFtXP9cFufjyQG4noAoGCCqGSM49
            AwEHoUQDQgAElq6PClBA7GofSQDS5RJdkcao86on2L9cKor675DJYfNv19OApGcE
            Kd5A1huaq0RcGrhuukM8ItbwXeV3wwJSGA==
            -----END EC PRIVATE KEY-----
            """;
    /** The same key through {@code openssl pkcs8 -topk8 -nocrypt}. */
    private static final String OPENSSL_PKCS8 = """
            -----BEGIN PRIVATE KEY-----
            MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg3LAsCE/uyjVcUoc5
            j8a7snbXGr9oW1c/1wW5+PJAbiehRANCAASWro8KUEDsah9JANLlEl2RxqjzqifY
            v1wqivrvkMlh82/X04CkZwQp3kDWG5qrRFwauG66Qzwi1vBd5XfDAlIY
            -----END PRIVATE KEY-----
            """;
    /** Its public half through {@code openssl ec -pubout}. */
    private static final String OPENSSL_PUBLIC = """
            -----BEGIN PUBLIC KEY-----
            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAElq6PClBA7GofSQDS5RJdkcao86on
            2L9cKor675DJYfNv19OApGcEKd5A1huaq0RcGrhuukM8ItbwXeV3wwJSGA==
            -----END PUBLIC KEY-----
            """;

    private static final String OPENSSL_PRIVATE_RAW = "3LAsCE_uyjVcUoc5j8a7snbXGr9oW1c_1wW5-PJAbic";
    private static final String OPENSSL_PUBLIC_RAW =
            "BJaujwpQQOxqH0kA0uUSXZHGqPOqJ9i_XCqK-u-QyWHzb9fTgKRnBCneQNYbmqtEXBq4brpDPCLW8F3ld8MCUhg";

    private static final String A = "rfc8291_appendix_a";

    @Test
    void roundTripsRawBase64UrlKeys() {
        VapidKeys generated = VapidKeys.generate();

        VapidKeys parsed = VapidKeys.parse(generated.publicKeyBase64Url(), generated.privateKeyBase64Url());

        assertThat(parsed.publicKeyBase64Url()).isEqualTo(generated.publicKeyBase64Url());
        assertThat(parsed.privateKeyBase64Url()).isEqualTo(generated.privateKeyBase64Url());
        assertThat(Base64.getUrlDecoder().decode(parsed.publicKeyBase64Url()))
                .hasSize(65)
                .startsWith(0x04);
        assertThat(Base64.getUrlDecoder().decode(parsed.privateKeyBase64Url())).hasSize(32);
    }

    @Test
    void derivesThePublicKeyFromThePrivateKeyAlone() {
        VapidKeys keys = VapidKeys.parse(null, Vectors.text(A, "as_private"));

        assertThat(keys.publicKeyBase64Url()).isEqualTo(Vectors.text(A, "as_public"));
        assertThat(VapidKeys.parse(" ", OPENSSL_PRIVATE_RAW).publicKeyBase64Url())
                .isEqualTo(OPENSSL_PUBLIC_RAW);
    }

    @Test
    void derivedPublicKeyMatchesTheJdkForFreshKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        for (int i = 0; i < 20; i++) {
            KeyPair pair = generator.generateKeyPair();
            String scalar = Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(P256.fixed(((ECPrivateKey) pair.getPrivate()).getS(), 32));

            assertThat(VapidKeys.parse(null, scalar).publicKeyRaw())
                    .isEqualTo(WebPushEncryption.rawPublicKey((ECPublicKey) pair.getPublic()));
        }
    }

    @Test
    void acceptsOpensslPemInPkcs8AndSec1AndPublicKeyForm() {
        VapidKeys fromSec1 = VapidKeys.parse(OPENSSL_PUBLIC, OPENSSL_SEC1);
        VapidKeys fromPkcs8 = VapidKeys.parse(OPENSSL_PUBLIC_RAW, OPENSSL_PKCS8);

        assertThat(fromSec1.privateKeyBase64Url()).isEqualTo(OPENSSL_PRIVATE_RAW);
        assertThat(fromSec1.publicKeyBase64Url()).isEqualTo(OPENSSL_PUBLIC_RAW);
        assertThat(fromPkcs8.privateKeyBase64Url()).isEqualTo(OPENSSL_PRIVATE_RAW);
        assertThat(fromPkcs8.publicKeyBase64Url()).isEqualTo(OPENSSL_PUBLIC_RAW);
    }

    @Test
    void acceptsPemThatJcaWrites() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();

        VapidKeys keys = VapidKeys.parse(
                pem("PUBLIC KEY", pair.getPublic().getEncoded()),
                pem("PRIVATE KEY", pair.getPrivate().getEncoded()));

        assertThat(keys.publicKeyRaw()).isEqualTo(WebPushEncryption.rawPublicKey((ECPublicKey) pair.getPublic()));
    }

    @Test
    void refusesAPublicKeyThatBelongsToAnotherPrivateKey() {
        VapidKeys other = VapidKeys.generate();

        assertThatThrownBy(() -> VapidKeys.parse(other.publicKeyBase64Url(), OPENSSL_PRIVATE_RAW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("VAPID_PUBLIC_KEY does not belong to VAPID_PRIVATE_KEY (they are not one key pair)");
    }

    @Test
    void namesTheVariableInEveryRefusalWithoutEchoingTheValue() {
        String secret = "c2VjcmV0IHRoYXQgaXMgbm90IGEga2V5";

        assertThatThrownBy(() -> VapidKeys.parse(null, null)).hasMessage("VAPID_PRIVATE_KEY is not set");
        assertThatThrownBy(() -> VapidKeys.parse(null, secret))
                .hasMessageStartingWith("VAPID_PRIVATE_KEY must be a base64url 32-byte")
                .hasMessageNotContaining(secret);
        assertThatThrownBy(() -> VapidKeys.parse(null, "not*base64"))
                .hasMessage("VAPID_PRIVATE_KEY is neither base64url nor a PEM block");
        assertThatThrownBy(() -> VapidKeys.parse(null, Base64.getUrlEncoder().encodeToString(new byte[32])))
                .hasMessage("VAPID_PRIVATE_KEY is not a valid P-256 private key");
        assertThatThrownBy(() -> VapidKeys.parse(null, OPENSSL_PUBLIC))
                .hasMessageStartingWith("VAPID_PRIVATE_KEY: expected a PEM block");
        assertThatThrownBy(() -> VapidKeys.parse(
                        null, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----"))
                .hasMessage("VAPID_PRIVATE_KEY: encrypted PEM keys are not supported");
        assertThatThrownBy(() -> VapidKeys.parse("BAAA", OPENSSL_PRIVATE_RAW))
                .hasMessageStartingWith("VAPID_PUBLIC_KEY must be a base64url uncompressed P-256 point");
        assertThatThrownBy(() -> VapidKeys.parse("%%", OPENSSL_PRIVATE_RAW))
                .hasMessage("VAPID_PUBLIC_KEY is neither base64url nor a PEM block");
    }

    @Test
    void refusesKeysOnOtherCurves() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair pair = generator.generateKeyPair();

        assertThatThrownBy(() -> VapidKeys.parse(
                        null, pem("PRIVATE KEY", pair.getPrivate().getEncoded())))
                .hasMessage("VAPID_PRIVATE_KEY is not a P-256 (prime256v1) key");
        assertThatThrownBy(
                        () -> VapidKeys.parse(pem("PUBLIC KEY", pair.getPublic().getEncoded()), OPENSSL_PRIVATE_RAW))
                .hasMessage("VAPID_PUBLIC_KEY is not a P-256 (prime256v1) key");
    }

    @Test
    void refusesSec1PemWhoseEmbeddedPublicKeyDoesNotMatch() {
        // Same SEC 1 structure with the last byte of the embedded public point changed.
        byte[] der = Base64.getMimeDecoder()
                .decode(OPENSSL_SEC1.substring(
                        OPENSSL_SEC1.indexOf("MHcC"), OPENSSL_SEC1.indexOf("-----END EC PRIVATE KEY")));
        der[der.length - 1] ^= 1;

        assertThatThrownBy(() -> VapidKeys.parse(null, pem("EC PRIVATE KEY", der)))
                .hasMessage("VAPID_PRIVATE_KEY: the public key embedded in the PEM does not match its private key");
        assertThatThrownBy(() ->
                        VapidKeys.parse(null, pem("EC PRIVATE KEY", new byte[] {0x30, 0x03, 0x02, 0x01, 0x01})))
                .hasMessage("VAPID_PRIVATE_KEY: malformed EC PRIVATE KEY");
    }

    @Test
    void neverShowsThePrivateKeyInToString() {
        VapidKeys keys = VapidKeys.parse(null, OPENSSL_SEC1);

        assertThat(keys.toString())
                .contains(OPENSSL_PUBLIC_RAW, "privateKey=***")
                .doesNotContain(OPENSSL_PRIVATE_RAW);
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
