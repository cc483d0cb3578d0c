package dev.prioritynotify.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.junit.jupiter.api.Test;

/** The push service used by FirefoxPushTest refuses what a real push service would refuse. */
class MozillaPushServiceTest {
    private static final String ORIGIN = "http://127.0.0.1:4000";
    private static final ECKey KEY = generate();
    private static final ECKey OTHER = generate();

    @Test
    void acceptsAWellFormedVapidHeader() throws Exception {
        assertThat(MozillaPushService.vapidProblem(
                        header(KEY, KEY, claims(ORIGIN, Duration.ofHours(12), "mailto:a@example.com")),
                        raw(KEY),
                        ORIGIN))
                .isNull();
        // Firefox registers the key padded; the comparison ignores padding.
        assertThat(MozillaPushService.vapidProblem(
                        header(KEY, KEY, claims(ORIGIN, Duration.ofHours(1), "https://example.com")),
                        raw(KEY) + "=",
                        ORIGIN))
                .isNull();
    }

    @Test
    void refusesWhatARealPushServiceRefuses() throws Exception {
        JWTClaimsSet good = claims(ORIGIN, Duration.ofHours(12), "mailto:a@example.com");
        assertThat(MozillaPushService.vapidProblem(null, raw(KEY), ORIGIN)).contains("vapid scheme");
        assertThat(MozillaPushService.vapidProblem(
                        header(KEY, KEY, good).replace("vapid ", "WebPush "), raw(KEY), ORIGIN))
                .contains("vapid scheme");
        assertThat(MozillaPushService.vapidProblem(header(KEY, KEY, good), raw(OTHER), ORIGIN))
                .contains("not the key the subscription was made with");
        assertThat(MozillaPushService.vapidProblem(header(OTHER, KEY, good), raw(KEY), ORIGIN))
                .contains("does not verify");
        assertThat(MozillaPushService.vapidProblem(
                        header(KEY, KEY, claims("http://127.0.0.1:4001", Duration.ofHours(1), "mailto:a@example.com")),
                        raw(KEY),
                        ORIGIN))
                .contains("aud");
        assertThat(MozillaPushService.vapidProblem(
                        header(KEY, KEY, claims(ORIGIN, Duration.ofHours(25), "mailto:a@example.com")),
                        raw(KEY),
                        ORIGIN))
                .contains("exp");
        assertThat(MozillaPushService.vapidProblem(
                        header(KEY, KEY, claims(ORIGIN, Duration.ofMinutes(-1), "mailto:a@example.com")),
                        raw(KEY),
                        ORIGIN))
                .contains("exp");
        assertThat(MozillaPushService.vapidProblem(
                        header(KEY, KEY, claims(ORIGIN, Duration.ofHours(1), "http://example.com")), raw(KEY), ORIGIN))
                .contains("sub");
    }

    private static JWTClaimsSet claims(String aud, Duration expiresIn, String sub) {
        return new JWTClaimsSet.Builder()
                .audience(aud)
                .expirationTime(Date.from(Instant.now().plus(expiresIn)))
                .subject(sub)
                .build();
    }

    /** {@code vapid t=<JWT signed by signer>, k=<advertised public key>}. */
    private static String header(ECKey signer, ECKey advertised, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        jwt.sign(new ECDSASigner(signer));
        return "vapid t=" + jwt.serialize() + ", k=" + raw(advertised);
    }

    /** The uncompressed point, base64url without padding, as VAPID's k= carries it. */
    private static String raw(ECKey key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(4);
        out.writeBytes(key.getX().decode());
        out.writeBytes(key.getY().decode());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
    }

    private static ECKey generate() {
        try {
            return new ECKeyGenerator(Curve.P_256).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
