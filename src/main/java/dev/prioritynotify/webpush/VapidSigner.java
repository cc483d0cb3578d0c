package dev.prioritynotify.webpush;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Produces the {@code Authorization: vapid t=<JWT>, k=<public key>} header of RFC 8292 §3.
 *
 * <p>The JWT (RFC 8292 §2) is signed with ES256 and carries {@code aud} = the push service origin,
 * {@code exp} and {@code sub}. It does not depend on the message, so it is cached per origin and
 * re-signed only when less than a quarter of its validity remains: a busy sender signs a handful
 * of tokens a day instead of one per push, and push services never see a token about to expire
 * in flight. Safe for concurrent use.
 */
public final class VapidSigner {

    public static final String SUBJECT_VARIABLE = "VAPID_SUBJECT";
    public static final Duration DEFAULT_VALIDITY = Duration.ofHours(12);
    /** RFC 8292 §2: push services reject an {@code exp} more than 24 hours ahead. */
    public static final Duration MAX_VALIDITY = Duration.ofHours(24);
    /** Bound on cached origins before expired entries are swept (there are few push services). */
    private static final int SWEEP_THRESHOLD = 256;

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    /** RFC 8292 §2: JWS with ES256 (RFC 7518 §3.4). */
    private static final String HEADER_SEGMENT =
            B64.encodeToString("{\"typ\":\"JWT\",\"alg\":\"ES256\"}".getBytes(StandardCharsets.US_ASCII));

    private final String subject;
    private final Duration validity;
    private final Duration renewBefore;
    private final CryptoProviders providers;
    private final InstantSource clock;
    private final PrivateKey privateKey;
    private final String keyParameter;
    private final ConcurrentHashMap<String, Token> tokens = new ConcurrentHashMap<>();

    private record Token(String authorization, Instant renewAt, Instant expiresAt) {}

    /** With the default validity of 12 hours. */
    public VapidSigner(VapidKeys keys, String subject, CryptoProviders providers, InstantSource clock) {
        this(keys, subject, DEFAULT_VALIDITY, providers, clock);
    }

    /**
     * @param validity how far ahead {@code exp} lies, at least one minute and at most 24 hours
     * @throws IllegalArgumentException if the subject or validity is unacceptable (naming
     *     {@code VAPID_SUBJECT} for the subject)
     */
    public VapidSigner(
            VapidKeys keys, String subject, Duration validity, CryptoProviders providers, InstantSource clock) {
        Objects.requireNonNull(keys, "keys");
        this.subject = validateSubject(subject);
        if (validity.compareTo(Duration.ofMinutes(1)) < 0 || validity.compareTo(MAX_VALIDITY) > 0) {
            throw new IllegalArgumentException(
                    "VAPID token validity must be between 1 minute and 24 hours, got " + validity);
        }
        this.validity = validity;
        this.renewBefore = validity.dividedBy(4);
        this.providers = Objects.requireNonNull(providers, "providers");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.keyParameter = keys.publicKeyBase64Url();
        try {
            this.privateKey =
                    providers.keyFactory().generatePrivate(new PKCS8EncodedKeySpec(P256.pkcs8(keys.privateScalar())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCA provider " + providers + " cannot load the VAPID key", e);
        }
    }

    /**
     * Checks {@code VAPID_SUBJECT} (RFC 8292 §2.1): a {@code mailto:} address or an
     * {@code https:} URL. A {@code mailto:} at {@code localhost} is refused because Apple's push
     * service rejects it with 403 BadJwtToken, which would silently break Safari delivery.
     *
     * @return the subject, stripped of surrounding blanks
     * @throws IllegalArgumentException naming {@code VAPID_SUBJECT}
     */
    public static String validateSubject(@Nullable String subject) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException(SUBJECT_VARIABLE + " is not set (mailto: or https: URL)");
        }
        String value = subject.strip();
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.startsWith("mailto:")) {
            String address = value.substring("mailto:".length());
            int query = address.indexOf('?');
            if (query >= 0) {
                address = address.substring(0, query);
            }
            int at = address.lastIndexOf('@');
            String domain = at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
            if (at <= 0 || domain.isEmpty() || address.chars().anyMatch(c -> c <= ' ')) {
                throw new IllegalArgumentException(SUBJECT_VARIABLE + " must be a mailto: with an e-mail address");
            }
            if (domain.endsWith(".")) {
                domain = domain.substring(0, domain.length() - 1);
            }
            if (domain.equals("localhost") || domain.endsWith(".localhost")) {
                throw new IllegalArgumentException(
                        SUBJECT_VARIABLE + " must not be a mailto: at localhost: Apple's push service rejects it");
            }
            return value;
        }
        if (lower.startsWith("https:")) {
            try {
                URI uri = new URI(value);
                if (uri.getHost() == null || uri.getHost().isEmpty()) {
                    throw new IllegalArgumentException(SUBJECT_VARIABLE + " must be an https: URL with a host");
                }
                return value;
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException(SUBJECT_VARIABLE + " is not a valid https: URL");
            }
        }
        throw new IllegalArgumentException(SUBJECT_VARIABLE + " must start with mailto: or https:");
    }

    /**
     * The {@code Authorization} header value for a push to {@code endpoint}, from the cache when
     * the token for its origin still has more than a quarter of its validity left.
     */
    public String authorization(URI endpoint) {
        String origin = Endpoints.origin(endpoint); // RFC 8292 §2: aud is the push resource's origin
        Instant now = clock.instant();
        Token token = tokens.get(origin);
        if (token != null && now.isBefore(token.renewAt())) {
            return token.authorization();
        }
        // compute() makes concurrent callers for the same origin wait for one signature.
        Token fresh = tokens.compute(
                origin,
                (key, current) -> current != null && now.isBefore(current.renewAt()) ? current : sign(key, now));
        if (tokens.size() > SWEEP_THRESHOLD) {
            tokens.values().removeIf(t -> !now.isBefore(t.expiresAt()));
        }
        return fresh.authorization();
    }

    private Token sign(String origin, Instant now) {
        Instant expiresAt = now.plus(validity);
        String claims = "{\"aud\":" + jsonString(origin)
                + ",\"exp\":" + expiresAt.getEpochSecond()
                + ",\"sub\":" + jsonString(subject) + "}";
        String signingInput = HEADER_SEGMENT + "." + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        String jwt = signingInput + "." + B64.encodeToString(es256(signingInput));
        return new Token("vapid t=" + jwt + ", k=" + keyParameter, expiresAt.minus(renewBefore), expiresAt);
    }

    /** ES256 signature in JOSE form: R || S, 32 bytes each (RFC 7518 §3.4), never DER. */
    private byte[] es256(String signingInput) {
        byte[] input = signingInput.getBytes(StandardCharsets.US_ASCII);
        try {
            Signature p1363 = providers.ecdsaP1363OrNull();
            if (p1363 != null) {
                p1363.initSign(privateKey);
                p1363.update(input);
                return p1363.sign();
            }
            Signature der = providers.ecdsaDer();
            der.initSign(privateKey);
            der.update(input);
            return derToJose(der.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ES256 signing failed on " + providers, e);
        }
    }

    /** Converts an ECDSA-Sig-Value SEQUENCE { INTEGER r, INTEGER s } (RFC 3279 §2.2.3) to R || S. */
    static byte[] derToJose(byte[] der) {
        int position = 0;
        if (der[position++] != 0x30) {
            throw new IllegalArgumentException("ECDSA signature is not a DER SEQUENCE");
        }
        int sequenceLength = der[position++] & 0xff;
        if (sequenceLength == 0x81) { // long form, only possible for larger curves
            sequenceLength = der[position++] & 0xff;
        }
        if (position + sequenceLength != der.length) {
            throw new IllegalArgumentException("ECDSA signature has trailing or missing bytes");
        }
        byte[] jose = new byte[64];
        for (int part = 0; part < 2; part++) {
            if (der[position++] != 0x02) {
                throw new IllegalArgumentException("ECDSA signature part is not an INTEGER");
            }
            int length = der[position++] & 0xff;
            int offset = position;
            int count = length;
            while (count > 32 && der[offset] == 0) { // leading zero keeps the INTEGER positive
                offset++;
                count--;
            }
            if (count > 32) {
                throw new IllegalArgumentException("ECDSA signature part longer than 32 bytes");
            }
            System.arraycopy(der, offset, jose, part * 32 + (32 - count), count);
            position += length;
        }
        return jose;
    }

    private static String jsonString(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
