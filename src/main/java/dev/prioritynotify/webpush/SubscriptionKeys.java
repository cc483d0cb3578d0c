package dev.prioritynotify.webpush;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The keys a browser hands over with a push subscription (RFC 8291 §2): the user agent's P-256
 * public key and the 16-byte authentication secret. Only valid keys can be constructed.
 *
 * @param p256dh the user agent's public key as a 65-byte uncompressed point
 * @param auth the authentication secret, 16 bytes
 */
public record SubscriptionKeys(byte[] p256dh, byte[] auth) {

    public static final String P256DH_FIELD = "keys.p256dh";
    public static final String AUTH_FIELD = "keys.auth";
    /** RFC 8291 §3.2: "an authentication secret ... of 16 octets". */
    static final int AUTH_LENGTH = 16;

    /**
     * Copies the arrays and checks them.
     *
     * @throws InvalidSubscriptionKeyException naming the field that is wrong
     */
    public SubscriptionKeys {
        if (p256dh == null) {
            throw new InvalidSubscriptionKeyException(P256DH_FIELD, "missing");
        }
        if (auth == null) {
            throw new InvalidSubscriptionKeyException(AUTH_FIELD, "missing");
        }
        p256dh = p256dh.clone();
        auth = auth.clone();
        if (p256dh.length != P256.POINT_LENGTH || p256dh[0] != 0x04) {
            throw new InvalidSubscriptionKeyException(
                    P256DH_FIELD,
                    "must be an uncompressed P-256 point (65 bytes starting 0x04), got " + p256dh.length + " bytes");
        }
        if (!P256.isValidUncompressedPoint(p256dh)) {
            throw new InvalidSubscriptionKeyException(P256DH_FIELD, "is not a point on P-256");
        }
        if (auth.length != AUTH_LENGTH) {
            throw new InvalidSubscriptionKeyException(AUTH_FIELD, "must be 16 bytes, got " + auth.length);
        }
    }

    /**
     * Parses the strings of a {@code PushSubscription.toJSON()}: base64url (RFC 4648 §5) as
     * browsers send them. Padding {@code =} and the standard alphabet's {@code +} and {@code /}
     * are tolerated because some client libraries produce them.
     *
     * @throws InvalidSubscriptionKeyException naming the field that is wrong
     */
    public static SubscriptionKeys parse(@Nullable String p256dh, @Nullable String auth) {
        return new SubscriptionKeys(decode(P256DH_FIELD, p256dh), decode(AUTH_FIELD, auth));
    }

    /** The public key as base64url without padding, the form stored and sent to clients. */
    public String p256dhBase64Url() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(p256dh);
    }

    public String authBase64Url() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(auth);
    }

    @Override
    public byte[] p256dh() {
        return p256dh.clone();
    }

    @Override
    public byte[] auth() {
        return auth.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SubscriptionKeys that
                && Arrays.equals(p256dh, that.p256dh)
                && Arrays.equals(auth, that.auth);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(p256dh) + Arrays.hashCode(auth);
    }

    /** Shows only the start of the public key; the auth secret is a secret and never printed. */
    @Override
    public String toString() {
        return "SubscriptionKeys[p256dh=" + HexFormat.of().formatHex(p256dh, 0, 6) + "…, auth=***]";
    }

    static byte[] decode(String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidSubscriptionKeyException(field, "missing");
        }
        return Base64Url.decode(value)
                .orElseThrow(() -> new InvalidSubscriptionKeyException(field, "is not base64url"));
    }
}
