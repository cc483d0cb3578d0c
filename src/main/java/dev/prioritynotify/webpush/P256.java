package dev.prioritynotify.webpush;

import java.math.BigInteger;
import java.security.interfaces.ECKey;
import java.security.spec.ECParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The NIST P-256 curve (secp256r1, SEC 2 §2.4.2): constants, point checks, fixed-size encodings
 * and a slow affine scalar multiplication for deriving a public key at start-up.
 */
final class P256 {

    static final BigInteger P = hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
    static final BigInteger B = hex("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");
    static final BigInteger N = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
    static final BigInteger GX = hex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296");
    static final BigInteger GY = hex("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
    private static final BigInteger THREE = BigInteger.valueOf(3);

    /** Length of an uncompressed point: 0x04 || X(32) || Y(32) (SEC 1 §2.3.3). */
    static final int POINT_LENGTH = 65;

    static final int SCALAR_LENGTH = 32;

    /** DER of SubjectPublicKeyInfo up to the point (RFC 5480 §2: id-ecPublicKey, prime256v1). */
    private static final byte[] SPKI_PREFIX =
            HexFormat.of().parseHex("3059301306072a8648ce3d020106082a8648ce3d030107034200");
    /**
     * DER of a PKCS#8 PrivateKeyInfo (RFC 5208) with id-ecPublicKey/prime256v1 whose inner SEC 1
     * ECPrivateKey (RFC 5915 §3) holds only the 32-byte scalar.
     */
    private static final byte[] PKCS8_PREFIX =
            HexFormat.of().parseHex("3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420");

    private P256() {}

    private static BigInteger hex(String hex) {
        return new BigInteger(hex, 16);
    }

    /**
     * Whether {@code point} is a 65-byte uncompressed encoding of a point on P-256 other than
     * infinity: coordinates below p and y² = x³ − 3x + b (mod p). The cofactor is 1, so every such
     * point is in the prime-order group and no further subgroup check is needed.
     */
    static boolean isValidUncompressedPoint(byte[] point) {
        if (point.length != POINT_LENGTH || point[0] != 0x04) {
            return false;
        }
        BigInteger x = new BigInteger(1, point, 1, SCALAR_LENGTH);
        BigInteger y = new BigInteger(1, point, 1 + SCALAR_LENGTH, SCALAR_LENGTH);
        return isOnCurve(x, y);
    }

    static boolean isOnCurve(BigInteger x, BigInteger y) {
        if (x.signum() < 0 || y.signum() < 0 || x.compareTo(P) >= 0 || y.compareTo(P) >= 0) {
            return false;
        }
        // (0, 0) is how some encoders spell infinity; it is not on the curve because b != 0.
        BigInteger left = y.multiply(y).mod(P);
        BigInteger right =
                x.multiply(x).multiply(x).subtract(THREE.multiply(x)).add(B).mod(P);
        return left.equals(right);
    }

    /** Whether a JCA key is on P-256 (same field, generator and order). */
    static boolean isP256(ECKey key) {
        ECParameterSpec params = key.getParams();
        return params != null
                && params.getOrder().equals(N)
                && params.getCofactor() == 1
                && params.getGenerator().getAffineX().equals(GX)
                && params.getGenerator().getAffineY().equals(GY)
                && params.getCurve().getB().equals(B);
    }

    /** X.509 SubjectPublicKeyInfo for a raw uncompressed point; every provider accepts this. */
    static byte[] spki(byte[] point) {
        byte[] der = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + POINT_LENGTH);
        System.arraycopy(point, 0, der, SPKI_PREFIX.length, POINT_LENGTH);
        return der;
    }

    /** The raw point of an X.509 SubjectPublicKeyInfo for P-256 in its usual 91-byte form. */
    static byte @Nullable [] pointFromSpki(byte[] der) {
        if (der.length != SPKI_PREFIX.length + POINT_LENGTH
                || !Arrays.equals(der, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            return null;
        }
        return Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length);
    }

    /** PKCS#8 PrivateKeyInfo for a raw 32-byte scalar. */
    static byte[] pkcs8(byte[] scalar) {
        byte[] der = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + SCALAR_LENGTH);
        System.arraycopy(scalar, 0, der, PKCS8_PREFIX.length, SCALAR_LENGTH);
        return der;
    }

    /** Unsigned big-endian, left-padded to exactly {@code length} bytes. */
    static byte[] fixed(BigInteger value, int length) {
        byte[] bytes = value.toByteArray();
        if (bytes.length == length) {
            return bytes;
        }
        byte[] out = new byte[length];
        if (bytes.length > length) { // a leading sign byte
            System.arraycopy(bytes, bytes.length - length, out, 0, length);
        } else {
            System.arraycopy(bytes, 0, out, length - bytes.length, bytes.length);
        }
        return out;
    }

    static byte[] uncompressed(BigInteger x, BigInteger y) {
        byte[] point = new byte[POINT_LENGTH];
        point[0] = 0x04;
        System.arraycopy(fixed(x, SCALAR_LENGTH), 0, point, 1, SCALAR_LENGTH);
        System.arraycopy(fixed(y, SCALAR_LENGTH), 0, point, 1 + SCALAR_LENGTH, SCALAR_LENGTH);
        return point;
    }

    /**
     * d·G as a 65-byte uncompressed point, by double-and-add in affine coordinates.
     *
     * <p>Used once at start-up to derive {@code VAPID_PUBLIC_KEY} from the private key. It is
     * neither fast nor constant-time; that is acceptable for a single local computation that no
     * remote party can time, and it keeps us independent of provider-specific key APIs.
     */
    static byte[] multiplyGenerator(BigInteger d) {
        if (d.signum() <= 0 || d.compareTo(N) >= 0) {
            throw new IllegalArgumentException("scalar out of range [1, n-1]");
        }
        BigInteger @Nullable [] result = null; // infinity
        BigInteger[] addend = {GX, GY};
        for (int i = 0; i < d.bitLength(); i++) {
            if (d.testBit(i)) {
                result = add(result, addend);
            }
            addend = add(addend, addend);
        }
        if (result == null) {
            throw new IllegalStateException("d·G is infinity for d < n; cannot happen");
        }
        return uncompressed(result[0], result[1]);
    }

    /** Affine point addition (SEC 1 §2.2.1); null stands for the point at infinity. */
    private static BigInteger @Nullable [] add(BigInteger @Nullable [] p1, BigInteger @Nullable [] p2) {
        if (p1 == null) {
            return p2;
        }
        if (p2 == null) {
            return p1;
        }
        BigInteger lambda;
        if (p1[0].equals(p2[0])) {
            if (!p1[1].equals(p2[1]) || p1[1].signum() == 0) {
                return null; // P + (−P)
            }
            // Doubling: λ = (3x² + a) / 2y with a = −3.
            BigInteger numerator = THREE.multiply(p1[0].multiply(p1[0])).subtract(THREE);
            lambda = numerator.multiply(p1[1].shiftLeft(1).modInverse(P)).mod(P);
        } else {
            lambda = p2[1].subtract(p1[1])
                    .multiply(p2[0].subtract(p1[0]).modInverse(P))
                    .mod(P);
        }
        BigInteger x = lambda.multiply(lambda).subtract(p1[0]).subtract(p2[0]).mod(P);
        BigInteger y = lambda.multiply(p1[0].subtract(x)).subtract(p1[1]).mod(P);
        return new BigInteger[] {x, y};
    }
}
