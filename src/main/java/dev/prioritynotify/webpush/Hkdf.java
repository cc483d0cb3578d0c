package dev.prioritynotify.webpush;

import java.security.InvalidKeyException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA-256 (RFC 5869), limited to what Web Push needs: outputs of at most one hash
 * length, so Expand is the single block T(1) = HMAC(PRK, info || 0x01) (RFC 5869 §2.3).
 *
 * <p>Written on {@link Mac} rather than a provider's HKDF so it runs the same on every provider.
 * The caller supplies the {@code Mac}; it is re-keyed on each call and so must not be shared
 * between threads.
 */
final class Hkdf {

    static final int HASH_LENGTH = 32;
    private static final byte[] COUNTER_1 = {0x01};

    private Hkdf() {}

    /** HKDF-Extract (RFC 5869 §2.2): PRK = HMAC-Hash(salt, IKM). */
    static byte[] extract(Mac mac, byte[] salt, byte[] ikm) throws InvalidKeyException {
        mac.init(new SecretKeySpec(salt, CryptoProviders.HMAC_SHA256));
        return mac.doFinal(ikm);
    }

    /**
     * HKDF-Expand (RFC 5869 §2.3) for {@code length ≤ 32}; {@code info} is given in parts to
     * avoid concatenating them first.
     */
    static byte[] expand(Mac mac, byte[] prk, int length, byte[]... info) throws InvalidKeyException {
        if (length > HASH_LENGTH) {
            throw new IllegalArgumentException("one-block HKDF-Expand only, asked " + length);
        }
        mac.init(new SecretKeySpec(prk, CryptoProviders.HMAC_SHA256));
        for (byte[] part : info) {
            mac.update(part);
        }
        mac.update(COUNTER_1);
        byte[] okm = mac.doFinal();
        return length == HASH_LENGTH ? okm : Arrays.copyOf(okm, length);
    }
}
