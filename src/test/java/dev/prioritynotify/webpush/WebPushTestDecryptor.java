package dev.prioritynotify.webpush;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Security;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.KeyAgreement;

/**
 * A browser's side of RFC 8291 for tests: holds a user agent key pair and auth secret, hands out
 * the matching {@link SubscriptionKeys}, and decrypts push bodies sent to them. Uses only the
 * JDK's providers and its own key schedule (through {@link Rfc8188Decryptor}).
 */
public final class WebPushTestDecryptor {

    private final PrivateKey uaPrivate;
    private final byte[] uaPublic;
    private final byte[] authSecret;

    WebPushTestDecryptor(PrivateKey uaPrivate, byte[] uaPublic, byte[] authSecret) {
        this.uaPrivate = uaPrivate;
        this.uaPublic = uaPublic.clone();
        this.authSecret = authSecret.clone();
    }

    /** From raw values as in the RFC 8291 Appendix A vector (32-byte scalar, 65-byte point). */
    static WebPushTestDecryptor ofRaw(byte[] uaPrivateScalar, byte[] uaPublic, byte[] authSecret)
            throws GeneralSecurityException {
        PrivateKey key = KeyFactory.getInstance("EC", Security.getProvider("SunEC"))
                .generatePrivate(new PKCS8EncodedKeySpec(P256.pkcs8(uaPrivateScalar)));
        return new WebPushTestDecryptor(key, uaPublic, authSecret);
    }

    /** A fresh browser: new P-256 key pair and random 16-byte auth secret. */
    public static WebPushTestDecryptor generate() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Security.getProvider("SunEC"));
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        byte[] auth = new byte[16];
        new java.security.SecureRandom().nextBytes(auth);
        ECPublicKey publicKey = (ECPublicKey) pair.getPublic();
        byte[] raw = P256.uncompressed(
                publicKey.getW().getAffineX(), publicKey.getW().getAffineY());
        return new WebPushTestDecryptor(pair.getPrivate(), raw, auth);
    }

    public SubscriptionKeys subscriptionKeys() {
        return new SubscriptionKeys(uaPublic, authSecret);
    }

    /** The private scalar, 32 bytes, for handing to another implementation. */
    public byte[] privateScalar() {
        return P256.fixed(((ECPrivateKey) uaPrivate).getS(), 32);
    }

    public byte[] authSecret() {
        return authSecret.clone();
    }

    public byte[] uaPublic() {
        return uaPublic.clone();
    }

    /** Decrypts an {@code aes128gcm} push body (RFC 8291 §3.4 and §4, then RFC 8188). */
    public byte[] decrypt(byte[] body) throws GeneralSecurityException {
        byte[] asPublic = asPublic(body);
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH", Security.getProvider("SunEC"));
        agreement.init(uaPrivate);
        agreement.doPhase(
                KeyFactory.getInstance("EC", Security.getProvider("SunEC"))
                        .generatePublic(new X509EncodedKeySpec(P256.spki(asPublic))),
                true);
        byte[] ecdhSecret = agreement.generateSecret();
        byte[] ikm = ikm(ecdhSecret, authSecret, uaPublic, asPublic);
        return Rfc8188Decryptor.decrypt(body, ikm);
    }

    /** RFC 8291 §4: the keyid of the header is the sender's 65-byte public key. */
    public static byte[] asPublic(byte[] body) {
        Rfc8188Decryptor.Header header = Rfc8188Decryptor.Header.parse(body);
        if (header.keyId().length != 65) {
            throw new IllegalArgumentException("keyid is " + header.keyId().length + " bytes, not 65");
        }
        return header.keyId();
    }

    /** RFC 8291 §3.3–3.4: IKM = HKDF(auth_secret, ecdh_secret, key_info, 32). */
    static byte[] ikm(byte[] ecdhSecret, byte[] authSecret, byte[] uaPublic, byte[] asPublic)
            throws GeneralSecurityException {
        byte[] prkKey = Rfc8188Decryptor.hmac(authSecret, ecdhSecret);
        byte[] keyInfo = Rfc8188Decryptor.concat(Rfc8188Decryptor.ascii("WebPush: info\0"), uaPublic, asPublic);
        return Arrays.copyOf(Rfc8188Decryptor.hmac(prkKey, Rfc8188Decryptor.concat(keyInfo, new byte[] {1})), 32);
    }

    public static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A P-256 public key from its uncompressed point, for checking VAPID signatures in test push services. */
    public static java.security.interfaces.ECPublicKey publicKeyOf(byte[] point) throws GeneralSecurityException {
        return (java.security.interfaces.ECPublicKey) java.security.KeyFactory.getInstance("EC", "SunEC")
                .generatePublic(new java.security.spec.X509EncodedKeySpec(P256.spki(point)));
    }
}
