package dev.prioritynotify.webpush;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts push message payloads per RFC 8291 (Message Encryption for Web Push) with the
 * {@code aes128gcm} content coding of RFC 8188, as a single record.
 *
 * <p>Each message gets a fresh P-256 key pair and a fresh 16-byte salt (RFC 8291 §3.1, RFC 8188
 * §2.1), so the work per message is one key generation, one ECDH, five HMACs and one AES-GCM
 * pass. The JCA engines for that are expensive to look up and initialise, so they are kept in a
 * small pool and reused; an engine set is used by one thread at a time, which makes this class
 * safe to share between threads (including virtual threads, where a {@code ThreadLocal} would
 * create a set per task).
 */
public final class WebPushEncryption {

    /** RFC 8188 §2: the record size we announce. One record always fits (see below). */
    static final int RECORD_SIZE = 4096;

    static final int SALT_LENGTH = 16;
    static final int CEK_LENGTH = 16;
    static final int NONCE_LENGTH = 12;
    static final int TAG_LENGTH = 16;
    /** RFC 8188 §2.1: salt(16) || rs(4) || idlen(1) || keyid, and RFC 8291 §4: keyid = as_public. */
    static final int HEADER_LENGTH = SALT_LENGTH + 4 + 1 + P256.POINT_LENGTH;
    /** RFC 8188 §2: delimiter 0x02 marks the last (here: only) record. */
    private static final byte LAST_RECORD_DELIMITER = 0x02;
    /**
     * RFC 8291 §4: push services must accept 4096 octets of body; minus the 86-octet header, the
     * delimiter and the 16-octet tag that leaves 3993 octets of plaintext plus padding.
     */
    public static final int MAX_PLAINTEXT_LENGTH = RECORD_SIZE - HEADER_LENGTH - 1 - TAG_LENGTH;

    /** RFC 8291 §3.4: key_info = "WebPush: info" || 0x00 || ua_public || as_public. */
    static final byte[] KEY_INFO_PREFIX = "WebPush: info\0".getBytes(StandardCharsets.US_ASCII);
    /** RFC 8188 §2.2. */
    static final byte[] CEK_INFO = "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII);
    /** RFC 8188 §2.3. */
    static final byte[] NONCE_INFO = "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII);

    private final CryptoProviders providers;
    private final ConcurrentLinkedQueue<Engines> pool = new ConcurrentLinkedQueue<>();

    public WebPushEncryption(CryptoProviders providers) {
        this.providers = Objects.requireNonNull(providers, "providers");
        release(newEngines()); // fail at start-up, not on the first push, if a provider lacks something
    }

    /** The providers this instance encrypts with. */
    public CryptoProviders providers() {
        return providers;
    }

    /**
     * Encrypts {@code plaintext} for the subscription; the result is the complete request body
     * for {@code Content-Encoding: aes128gcm}.
     *
     * @throws IllegalArgumentException if the plaintext is longer than
     *     {@link #MAX_PLAINTEXT_LENGTH}
     */
    public byte[] encrypt(SubscriptionKeys subscription, byte[] plaintext) {
        return encrypt(subscription, plaintext, 0);
    }

    /**
     * As {@link #encrypt(SubscriptionKeys, byte[])} with {@code paddingLength} zero bytes after
     * the delimiter, to hide the length of the plaintext (RFC 8291 §4, RFC 8188 §2).
     */
    public byte[] encrypt(SubscriptionKeys subscription, byte[] plaintext, int paddingLength) {
        checkLengths(plaintext, paddingLength);
        Engines engines = acquire();
        try {
            byte[] salt = new byte[SALT_LENGTH];
            engines.random.nextBytes(salt);
            byte[] body = encrypt(
                    engines, subscription, plaintext, paddingLength, engines.keyPairGenerator.generateKeyPair(), salt);
            release(engines);
            return body;
        } catch (GeneralSecurityException e) {
            // Engines are not returned to the pool after a failure: their state is unknown.
            throw new IllegalStateException("Web Push encryption failed on " + providers, e);
        }
    }

    /**
     * Encryption with the sender key pair and salt given, so the RFC 8291 Appendix A vector can be
     * reproduced. Never reuse a key pair and salt for two messages.
     */
    byte[] encrypt(SubscriptionKeys subscription, byte[] plaintext, int paddingLength, KeyPair senderKeys, byte[] salt)
            throws GeneralSecurityException {
        checkLengths(plaintext, paddingLength);
        if (salt.length != SALT_LENGTH) {
            throw new IllegalArgumentException("salt must be 16 bytes");
        }
        Engines engines = acquire();
        byte[] body = encrypt(engines, subscription, plaintext, paddingLength, senderKeys, salt);
        release(engines);
        return body;
    }

    private static void checkLengths(byte[] plaintext, int paddingLength) {
        if (paddingLength < 0) {
            throw new IllegalArgumentException("padding length must not be negative");
        }
        if ((long) plaintext.length + paddingLength > MAX_PLAINTEXT_LENGTH) {
            throw new IllegalArgumentException("plaintext (" + plaintext.length + ") plus padding (" + paddingLength
                    + ") exceeds " + MAX_PLAINTEXT_LENGTH + " bytes (RFC 8291 §4)");
        }
    }

    private byte[] encrypt(
            Engines engines,
            SubscriptionKeys subscription,
            byte[] plaintext,
            int paddingLength,
            KeyPair senderKeys,
            byte[] salt)
            throws GeneralSecurityException {
        byte[] uaPublic = subscription.p256dh();
        byte[] asPublic = rawPublicKey((ECPublicKey) senderKeys.getPublic());

        // RFC 8291 §3.1: ecdh_secret = ECDH(as_private, ua_public).
        PublicKey uaKey = engines.keyFactory.generatePublic(new X509EncodedKeySpec(P256.spki(uaPublic)));
        engines.keyAgreement.init(senderKeys.getPrivate());
        engines.keyAgreement.doPhase(uaKey, true);
        byte[] ecdhSecret = engines.keyAgreement.generateSecret();

        Derived derived = derive(engines.mac, ecdhSecret, subscription.auth(), uaPublic, asPublic, salt);

        // RFC 8188 §2.1 header, then the single record: plaintext || 0x02 || padding, encrypted
        // in place in the output array so the payload is copied only once.
        int recordLength = plaintext.length + 1 + paddingLength;
        byte[] body = new byte[HEADER_LENGTH + recordLength + TAG_LENGTH];
        System.arraycopy(salt, 0, body, 0, SALT_LENGTH);
        body[SALT_LENGTH] = (byte) (RECORD_SIZE >>> 24);
        body[SALT_LENGTH + 1] = (byte) (RECORD_SIZE >>> 16);
        body[SALT_LENGTH + 2] = (byte) (RECORD_SIZE >>> 8);
        body[SALT_LENGTH + 3] = (byte) RECORD_SIZE;
        body[SALT_LENGTH + 4] = (byte) P256.POINT_LENGTH;
        System.arraycopy(asPublic, 0, body, SALT_LENGTH + 5, P256.POINT_LENGTH);
        System.arraycopy(plaintext, 0, body, HEADER_LENGTH, plaintext.length);
        body[HEADER_LENGTH + plaintext.length] = LAST_RECORD_DELIMITER; // padding stays zero

        // RFC 8188 §2.3: the nonce of record 0 is NONCE XOR 0, i.e. NONCE itself.
        engines.cipher.init(
                Cipher.ENCRYPT_MODE,
                new SecretKeySpec(derived.cek, "AES"),
                new GCMParameterSpec(TAG_LENGTH * 8, derived.nonce));
        engines.cipher.doFinal(body, HEADER_LENGTH, recordLength, body, HEADER_LENGTH);
        return body;
    }

    /**
     * The key schedule of RFC 8291 §3.3–3.4 followed by RFC 8188 §2.2–2.3.
     *
     * @param prkKey HKDF-Extract(auth_secret, ecdh_secret)
     * @param ikm    HKDF-Expand(PRK_key, key_info, 32), the input keying material for RFC 8188
     * @param prk    HKDF-Extract(salt, IKM)
     * @param cek    HKDF-Expand(PRK, cek_info, 16)
     * @param nonce  HKDF-Expand(PRK, nonce_info, 12)
     */
    record Derived(byte[] prkKey, byte[] ikm, byte[] prk, byte[] cek, byte[] nonce) {}

    static Derived derive(Mac mac, byte[] ecdhSecret, byte[] authSecret, byte[] uaPublic, byte[] asPublic, byte[] salt)
            throws GeneralSecurityException {
        byte[] prkKey = Hkdf.extract(mac, authSecret, ecdhSecret);
        byte[] ikm = Hkdf.expand(mac, prkKey, Hkdf.HASH_LENGTH, KEY_INFO_PREFIX, uaPublic, asPublic);
        byte[] prk = Hkdf.extract(mac, salt, ikm);
        byte[] cek = Hkdf.expand(mac, prk, CEK_LENGTH, CEK_INFO);
        byte[] nonce = Hkdf.expand(mac, prk, NONCE_LENGTH, NONCE_INFO);
        return new Derived(prkKey, ikm, prk, cek, nonce);
    }

    /** The 65-byte uncompressed point of a P-256 public key. */
    static byte[] rawPublicKey(ECPublicKey key) {
        // The X.509 encoding usually is the fixed prefix plus the point; slicing it avoids the
        // BigInteger round trip of getW(), which matters per message.
        byte[] point = P256.pointFromSpki(key.getEncoded());
        return point != null
                ? point
                : P256.uncompressed(key.getW().getAffineX(), key.getW().getAffineY());
    }

    private Engines acquire() {
        Engines engines = pool.poll();
        return engines != null ? engines : newEngines();
    }

    private void release(Engines engines) {
        pool.offer(engines);
    }

    private Engines newEngines() {
        try {
            SecureRandom random = providers.secureRandom();
            KeyPairGenerator generator = providers.keyPairGenerator();
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return new Engines(
                    generator,
                    providers.keyFactory(),
                    providers.keyAgreement(),
                    providers.aesGcm(),
                    providers.hmacSha256(),
                    random);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "JCA provider " + providers + " cannot do P-256/ECDH/AES-GCM/HmacSHA256", e);
        }
    }

    /** One thread's worth of engines; none of these JCA objects is thread-safe. */
    private record Engines(
            KeyPairGenerator keyPairGenerator,
            KeyFactory keyFactory,
            KeyAgreement keyAgreement,
            Cipher cipher,
            Mac mac,
            SecureRandom random) {}
}
