package dev.prioritynotify.webpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class VapidSignerTest {

    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final URI FCM = URI.create("https://fcm.googleapis.com/fcm/send/abc:def");
    private static final VapidKeys KEYS = VapidKeys.generate();

    private final AtomicReference<Instant> now = new AtomicReference<>(START);
    private final InstantSource clock = () -> now.get();

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.prioritynotify.webpush.TestProviders#all")
    void signsAJwtThatNimbusVerifiesWithTheVapidPublicKey(CryptoProviders providers) throws Exception {
        VapidSigner signer = new VapidSigner(KEYS, "mailto:ops@example.org", providers, clock);

        String header = signer.authorization(FCM);

        assertThat(header).matches("vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=" + KEYS.publicKeyBase64Url());
        SignedJWT jwt = SignedJWT.parse(header.substring("vapid t=".length(), header.indexOf(',')));
        assertThat(jwt.verify(new ECDSAVerifier(publicKey(KEYS)))).isTrue();
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jwt.getHeader().getType().toString()).isEqualTo("JWT");
        assertThat(jwt.getSignature().decode()).hasSize(64); // JOSE R||S, not DER
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("https://fcm.googleapis.com");
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("mailto:ops@example.org");
        assertThat(jwt.getJWTClaimsSet().getExpirationTime().toInstant()).isEqualTo(START.plus(Duration.ofHours(12)));
        assertThat(Duration.between(
                        START, jwt.getJWTClaimsSet().getExpirationTime().toInstant()))
                .isLessThanOrEqualTo(Duration.ofHours(24));
    }

    @Test
    void reusesTheTokenUntilAQuarterOfItsValidityRemains() {
        VapidSigner signer = new VapidSigner(KEYS, "https://notify.example.org", CryptoProviders.jdk(), clock);
        String first = signer.authorization(FCM);

        now.set(START.plus(Duration.ofHours(9)).minusSeconds(1));
        assertThat(signer.authorization(URI.create("https://fcm.googleapis.com/fcm/send/other")))
                .isSameAs(first);

        now.set(START.plus(Duration.ofHours(9)));
        String renewed = signer.authorization(FCM);
        assertThat(renewed).isNotEqualTo(first);
        assertThat(expiry(renewed)).isEqualTo(START.plus(Duration.ofHours(21)));

        now.set(START.plus(Duration.ofHours(10)));
        assertThat(signer.authorization(FCM)).isSameAs(renewed);
    }

    @Test
    void keepsOneTokenPerPushServiceOrigin() {
        VapidSigner signer = new VapidSigner(KEYS, "mailto:ops@example.org", CryptoProviders.jdk(), clock);

        String mozilla = signer.authorization(URI.create("https://updates.push.services.mozilla.com/wpush/v2/x"));
        String apple = signer.authorization(URI.create("https://web.push.apple.com:443/QGx"));
        String lab = signer.authorization(URI.create("http://Push.Lab.Example:8080/p/1"));

        assertThat(audience(mozilla)).isEqualTo("https://updates.push.services.mozilla.com");
        assertThat(audience(apple)).isEqualTo("https://web.push.apple.com");
        assertThat(audience(lab)).isEqualTo("http://push.lab.example:8080");
        assertThat(signer.authorization(URI.create("https://web.push.apple.com/other")))
                .isSameAs(apple);
    }

    @Test
    void honoursAConfiguredValidityUpTo24Hours() {
        VapidSigner signer =
                new VapidSigner(KEYS, "mailto:ops@example.org", Duration.ofHours(24), CryptoProviders.jdk(), clock);

        assertThat(expiry(signer.authorization(FCM))).isEqualTo(START.plus(Duration.ofHours(24)));
        assertThatThrownBy(() -> new VapidSigner(
                        KEYS, "mailto:ops@example.org", Duration.ofHours(25), CryptoProviders.jdk(), clock))
                .hasMessageContaining("24 hours");
    }

    @Test
    void refusesAMailtoSubjectAtLocalhostBecauseAppleRejectsIt() {
        assertThatThrownBy(() -> VapidSigner.validateSubject("mailto:admin@localhost"))
                .hasMessageStartingWith("VAPID_SUBJECT must not be a mailto: at localhost");
        assertThatThrownBy(() -> VapidSigner.validateSubject("mailto:admin@LocalHost."))
                .hasMessageStartingWith("VAPID_SUBJECT");
        assertThatThrownBy(() -> new VapidSigner(KEYS, "mailto:me@localhost", CryptoProviders.jdk(), clock))
                .hasMessageStartingWith("VAPID_SUBJECT");
    }

    @Test
    void acceptsOnlyMailtoAndHttpsSubjects() {
        assertThat(VapidSigner.validateSubject(" https://notify.example.org/contact "))
                .isEqualTo("https://notify.example.org/contact");
        assertThat(VapidSigner.validateSubject("mailto:ops@example.org")).isEqualTo("mailto:ops@example.org");
        assertThatThrownBy(() -> VapidSigner.validateSubject("http://notify.example.org"))
                .hasMessage("VAPID_SUBJECT must start with mailto: or https:");
        assertThatThrownBy(() -> VapidSigner.validateSubject("ops@example.org"))
                .hasMessage("VAPID_SUBJECT must start with mailto: or https:");
        assertThatThrownBy(() -> VapidSigner.validateSubject("mailto:nobody"))
                .hasMessageStartingWith("VAPID_SUBJECT must be a mailto: with an e-mail address");
        assertThatThrownBy(() -> VapidSigner.validateSubject("https:///path-only"))
                .hasMessageStartingWith("VAPID_SUBJECT");
        assertThatThrownBy(() -> VapidSigner.validateSubject(null)).hasMessageStartingWith("VAPID_SUBJECT is not set");
    }

    @Test
    void convertsDerSignaturesToJoseForm() {
        // r with a leading 0x00 (high bit set), s short (leading zero byte dropped by DER).
        String r = "00" + "8" + "1".repeat(63);
        String s = "7f" + "2".repeat(60);
        byte[] der = HexFormat.of().parseHex("3044" + "0221" + r + "021f" + s);

        byte[] jose = VapidSigner.derToJose(der);

        assertThat(HexFormat.of().formatHex(jose)).isEqualTo("8" + "1".repeat(63) + "00" + s);
    }

    @Test
    void derConversionOfRealSignaturesVerifiesInJoseForm() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC", "SunEC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        for (int i = 0; i < 50; i++) {
            java.security.KeyPair pair = generator.generateKeyPair();
            java.security.Signature der = java.security.Signature.getInstance("SHA256withECDSA", "SunEC");
            der.initSign(pair.getPrivate());
            der.update(new byte[] {(byte) i});
            byte[] jose = VapidSigner.derToJose(der.sign());

            java.security.Signature p1363 =
                    java.security.Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
            p1363.initVerify(pair.getPublic());
            p1363.update(new byte[] {(byte) i});
            assertThat(p1363.verify(jose)).isTrue();
        }
    }

    private static ECPublicKey publicKey(VapidKeys keys) throws Exception {
        return (ECPublicKey)
                KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(P256.spki(keys.publicKeyRaw())));
    }

    private static SignedJWT jwt(String header) throws Exception {
        return SignedJWT.parse(header.substring("vapid t=".length(), header.indexOf(',')));
    }

    private static Instant expiry(String header) {
        try {
            return jwt(header).getJWTClaimsSet().getExpirationTime().toInstant();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String audience(String header) {
        try {
            SignedJWT jwt = jwt(header);
            assertThat(jwt.verify(new ECDSAVerifier(publicKey(KEYS)))).isTrue();
            return jwt.getJWTClaimsSet().getAudience().getFirst();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
