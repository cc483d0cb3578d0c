package dev.prioritynotify.webpush;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The application server key pair of RFC 8292 §3 ("VAPID"), on P-256.
 *
 * <p>Read from {@code VAPID_PUBLIC_KEY} and {@code VAPID_PRIVATE_KEY} in the form the web-push
 * tools print (base64url of the raw 65-byte point and 32-byte scalar), or as PEM (PKCS#8, SEC 1
 * or SubjectPublicKeyInfo) as OpenSSL writes them. The public key may be left out; it is then
 * derived. Errors name the variable but never echo its value. {@link #toString()} never shows the
 * private key.
 */
public final class VapidKeys {

    public static final String PUBLIC_KEY_VARIABLE = "VAPID_PUBLIC_KEY";
    public static final String PRIVATE_KEY_VARIABLE = "VAPID_PRIVATE_KEY";

    private static final Pattern PEM =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    /** DER of the OID prime256v1 / secp256r1, 1.2.840.10045.3.1.7 (RFC 5480 §2.1.1.1). */
    private static final byte[] PRIME256V1_OID = HexFormat.of().parseHex("06082a8648ce3d030107");

    private final byte[] publicKey; // 65-byte uncompressed point
    private final byte[] privateKey; // 32-byte scalar

    private VapidKeys(byte[] publicKey, byte[] privateKey) {
        this.publicKey = publicKey;
        this.privateKey = privateKey;
    }

    /**
     * Parses the configured values.
     *
     * @param publicKey  {@code VAPID_PUBLIC_KEY}, or null/blank to derive it from the private key
     * @param privateKey {@code VAPID_PRIVATE_KEY} (or the content of {@code VAPID_PRIVATE_KEY_FILE})
     * @throws IllegalArgumentException whose message names the variable at fault
     */
    public static VapidKeys parse(@Nullable String publicKey, @Nullable String privateKey) {
        if (privateKey == null || privateKey.isBlank()) {
            throw new IllegalArgumentException(PRIVATE_KEY_VARIABLE + " is not set");
        }
        Parsed parsedPrivate = parsePrivate(privateKey.strip());
        byte[] derived = P256.multiplyGenerator(new BigInteger(1, parsedPrivate.scalar()));
        if (parsedPrivate.embeddedPublic() != null && !Arrays.equals(parsedPrivate.embeddedPublic(), derived)) {
            throw new IllegalArgumentException(
                    PRIVATE_KEY_VARIABLE + ": the public key embedded in the PEM does not match its private key");
        }
        if (publicKey != null && !publicKey.isBlank()) {
            byte[] given = parsePublic(publicKey.strip());
            if (!Arrays.equals(given, derived)) {
                throw new IllegalArgumentException(PUBLIC_KEY_VARIABLE + " does not belong to " + PRIVATE_KEY_VARIABLE
                        + " (they are not one key pair)");
            }
        }
        return new VapidKeys(derived, parsedPrivate.scalar());
    }

    /** A new random key pair, for first start-up when no keys are configured. */
    public static VapidKeys generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", sunEc());
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            return new VapidKeys(
                    WebPushEncryption.rawPublicKey((ECPublicKey) pair.getPublic()),
                    P256.fixed(((ECPrivateKey) pair.getPrivate()).getS(), P256.SCALAR_LENGTH));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a P-256 key pair", e);
        }
    }

    /** The public key as browsers want it for {@code applicationServerKey}: base64url, raw point. */
    public String publicKeyBase64Url() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(publicKey);
    }

    /** The private scalar, base64url; only for storing it (encrypted) or printing it on request. */
    public String privateKeyBase64Url() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(privateKey);
    }

    /** The 65-byte uncompressed public point. */
    public byte[] publicKeyRaw() {
        return publicKey.clone();
    }

    byte[] privateScalar() {
        return privateKey.clone();
    }

    @Override
    public String toString() {
        return "VapidKeys[publicKey=" + publicKeyBase64Url() + ", privateKey=***]";
    }

    private record Parsed(byte[] scalar, byte @Nullable [] embeddedPublic) {}

    private static Parsed parsePrivate(String value) {
        byte[] scalar;
        byte @Nullable [] embeddedPublic = null;
        if (value.startsWith("-----BEGIN")) {
            Pem pem = pem(PRIVATE_KEY_VARIABLE, value, "PRIVATE KEY", "EC PRIVATE KEY");
            if (pem.label().equals("PRIVATE KEY")) {
                ECPrivateKey key = (ECPrivateKey) keyFromDer(PRIVATE_KEY_VARIABLE, pem.der(), true);
                requireP256(PRIVATE_KEY_VARIABLE, P256.isP256(key));
                scalar = P256.fixed(key.getS(), P256.SCALAR_LENGTH);
            } else {
                Parsed sec1 = parseSec1(pem.der());
                scalar = sec1.scalar();
                embeddedPublic = sec1.embeddedPublic();
            }
        } else {
            scalar = decodeBase64Url(PRIVATE_KEY_VARIABLE, value);
            if (scalar.length != P256.SCALAR_LENGTH) {
                throw new IllegalArgumentException(PRIVATE_KEY_VARIABLE
                        + " must be a base64url 32-byte P-256 private key or a PEM, got "
                        + scalar.length + " bytes");
            }
        }
        BigInteger d = new BigInteger(1, scalar);
        if (d.signum() == 0 || d.compareTo(P256.N) >= 0) {
            throw new IllegalArgumentException(PRIVATE_KEY_VARIABLE + " is not a valid P-256 private key");
        }
        return new Parsed(scalar, embeddedPublic);
    }

    private static byte[] parsePublic(String value) {
        byte[] point;
        if (value.startsWith("-----BEGIN")) {
            Pem pem = pem(PUBLIC_KEY_VARIABLE, value, "PUBLIC KEY");
            point = P256.pointFromSpki(pem.der());
            if (point == null) {
                ECPublicKey key = (ECPublicKey) keyFromDer(PUBLIC_KEY_VARIABLE, pem.der(), false);
                requireP256(PUBLIC_KEY_VARIABLE, P256.isP256(key));
                point = WebPushEncryption.rawPublicKey(key);
            }
        } else {
            point = decodeBase64Url(PUBLIC_KEY_VARIABLE, value);
        }
        if (point.length != P256.POINT_LENGTH || !P256.isValidUncompressedPoint(point)) {
            throw new IllegalArgumentException(PUBLIC_KEY_VARIABLE
                    + " must be a base64url uncompressed P-256 point (65 bytes starting 0x04) or a PEM");
        }
        return point;
    }

    private static void requireP256(String variable, boolean isP256) {
        if (!isP256) {
            throw new IllegalArgumentException(variable + " is not a P-256 (prime256v1) key");
        }
    }

    private record Pem(String label, byte[] der) {}

    /** The first PEM block with one of {@code labels}; other blocks (EC PARAMETERS) are skipped. */
    private static Pem pem(String variable, String text, String... labels) {
        Matcher matcher = PEM.matcher(text);
        while (matcher.find()) {
            String label = matcher.group(1);
            if (label.contains("ENCRYPTED") || matcher.group(2).contains("Proc-Type:")) {
                throw new IllegalArgumentException(variable + ": encrypted PEM keys are not supported");
            }
            for (String wanted : labels) {
                if (label.equals(wanted)) {
                    try {
                        return new Pem(
                                label,
                                Base64.getMimeDecoder().decode(matcher.group(2).strip()));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(variable + ": the PEM body is not valid base64");
                    }
                }
            }
        }
        throw new IllegalArgumentException(variable + ": expected a PEM block "
                + String.join(
                        " or ",
                        Arrays.stream(labels).map(l -> "'BEGIN " + l + "'").toList()));
    }

    private static java.security.Key keyFromDer(String variable, byte[] der, boolean isPrivate) {
        try {
            KeyFactory factory = KeyFactory.getInstance("EC", sunEc());
            return isPrivate
                    ? factory.generatePrivate(new PKCS8EncodedKeySpec(der))
                    : factory.generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException(variable + ": the PEM is not an EC key");
        }
    }

    /**
     * SEC 1 ECPrivateKey (RFC 5915 §3), as in OpenSSL's "BEGIN EC PRIVATE KEY":
     * SEQUENCE { INTEGER 1, OCTET STRING d, [0] OID curve OPTIONAL, [1] BIT STRING point OPTIONAL }.
     */
    private static Parsed parseSec1(byte[] der) {
        try {
            Der outer = new Der(der, 0, der.length);
            Der sequence = outer.next(0x30);
            Der version = sequence.next(0x02);
            if (version.length != 1 || der[version.start] != 1) {
                throw new IllegalArgumentException("version");
            }
            Der octets = sequence.next(0x04);
            byte[] scalar = octets.bytes();
            if (scalar.length > P256.SCALAR_LENGTH) {
                throw new IllegalArgumentException("scalar length");
            }
            scalar = P256.fixed(new BigInteger(1, scalar), P256.SCALAR_LENGTH);
            byte @Nullable [] embeddedPublic = null;
            while (sequence.hasMore()) {
                int tag = sequence.peekTag();
                Der field = sequence.next(tag);
                if (tag == 0xa0 && !Arrays.equals(field.bytes(), PRIME256V1_OID)) {
                    throw new IllegalArgumentException(PRIVATE_KEY_VARIABLE + " is not a P-256 (prime256v1) key");
                }
                if (tag == 0xa1) {
                    byte[] bits = field.next(0x03).bytes(); // leading byte: unused bits (0)
                    embeddedPublic = Arrays.copyOfRange(bits, 1, bits.length);
                }
            }
            return new Parsed(scalar, embeddedPublic);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(PRIVATE_KEY_VARIABLE)) {
                throw e;
            }
            throw new IllegalArgumentException(PRIVATE_KEY_VARIABLE + ": malformed EC PRIVATE KEY");
        }
    }

    /** Just enough DER (X.690 §8.1) to walk a SEC 1 key: definite lengths, one-byte tags. */
    private static final class Der {
        private final byte[] data;
        final int start;
        final int length;
        private int position;

        Der(byte[] data, int start, int length) {
            if (start < 0 || length < 0 || start + length > data.length) {
                throw new IndexOutOfBoundsException("DER length");
            }
            this.data = data;
            this.start = start;
            this.length = length;
            this.position = start;
        }

        boolean hasMore() {
            return position < start + length;
        }

        int peekTag() {
            return data[position] & 0xff;
        }

        Der next(int expectedTag) {
            if (!hasMore() || (data[position] & 0xff) != expectedTag) {
                throw new IllegalArgumentException("tag");
            }
            position++;
            int contentLength = data[position++] & 0xff;
            if (contentLength > 0x7f) {
                int octets = contentLength & 0x7f;
                if (octets > 3) {
                    throw new IllegalArgumentException("length");
                }
                contentLength = 0;
                for (int i = 0; i < octets; i++) {
                    contentLength = (contentLength << 8) | (data[position++] & 0xff);
                }
            }
            if (position + contentLength > start + length) {
                throw new IndexOutOfBoundsException("DER length");
            }
            Der child = new Der(data, position, contentLength);
            position += contentLength;
            return child;
        }

        byte[] bytes() {
            return Arrays.copyOfRange(data, start, start + length);
        }
    }

    private static byte[] decodeBase64Url(String variable, String value) {
        return Base64Url.decode(value)
                .orElseThrow(() -> new IllegalArgumentException(variable + " is neither base64url nor a PEM block"));
    }

    private static java.security.Provider sunEc() {
        return Security.getProvider("SunEC");
    }
}
