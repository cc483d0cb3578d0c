package dev.prioritynotify.notification;

import dev.prioritynotify.config.Secret;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Capabilities for acting on one notification from the notification itself, where there is no
 * session or token: a service worker marking it read when the person taps "Mark as read". A token
 * is {@code base64url(expiry seconds (8 bytes) ‖ HMAC-SHA256(key, action, user, notification,
 * expiry))}, 54 characters. The key is derived from {@code SECRET_KEY} for this purpose alone
 * ({@link Secret#deriveKey}), so a session cookie's or CSRF token's signature is never one of
 * these. Nothing is stored: the server recomputes the MAC for the notification's owner, so a token
 * is good for its one action on its one notification of its one user until it expires, and changing
 * {@code SECRET_KEY} voids every token issued (as it signs everyone out).
 */
public final class ActionTokens {
    private static final String PURPOSE = "notification action token v1";
    private static final int EXPIRY_BYTES = Long.BYTES;
    private static final int MAC_BYTES = 32;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** What a token may do. */
    public enum Action {
        READ("read");

        private final String wire;

        Action(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /** What a presented token turned out to be. */
    public enum Check {
        VALID,
        /** Genuine, but past its expiry. */
        EXPIRED,
        /** Not one we issued for this action on this notification of this user (forged, altered, malformed). */
        INVALID
    }

    private final byte[] key;
    private final Duration lifetime;
    private final InstantSource clock;

    /**
     * @param lifetime how long a token is good for: it travels in a push, which may wait at the push
     *     service up to its TTL before it is delivered, and is then tapped while the notification is
     *     on screen, so it must outlast the longest push TTL (see App)
     */
    public ActionTokens(Secret secret, Duration lifetime, InstantSource clock) {
        this.key = secret.deriveKey(PURPOSE);
        this.lifetime = lifetime;
        this.clock = clock;
    }

    public String issue(UUID userId, UUID notificationId, Action action) {
        long expiry = clock.instant().plus(lifetime).getEpochSecond();
        ByteBuffer token = ByteBuffer.allocate(EXPIRY_BYTES + MAC_BYTES);
        token.putLong(expiry);
        token.put(mac(userId, notificationId, action, expiry));
        return ENCODER.encodeToString(token.array());
    }

    public Check check(String token, UUID userId, UUID notificationId, Action action) {
        byte[] raw;
        try {
            raw = DECODER.decode(token);
        } catch (IllegalArgumentException e) {
            return Check.INVALID;
        }
        if (raw.length != EXPIRY_BYTES + MAC_BYTES) {
            return Check.INVALID;
        }
        ByteBuffer buffer = ByteBuffer.wrap(raw);
        long expiry = buffer.getLong();
        byte[] presented = new byte[MAC_BYTES];
        buffer.get(presented);
        // Constant time: how much of a guess matched must not show in how long the answer takes.
        if (!MessageDigest.isEqual(presented, mac(userId, notificationId, action, expiry))) {
            return Check.INVALID;
        }
        // The expiry is under the MAC, so only a genuine token gets this far and can be told it expired.
        return clock.instant().isBefore(Instant.ofEpochSecond(expiry)) ? Check.VALID : Check.EXPIRED;
    }

    private byte[] mac(UUID userId, UUID notificationId, Action action, long expiry) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            // Fixed fields joined by a separator none of them can contain: no two inputs sign the same.
            String signed = action.wire() + "\n" + userId + "\n" + notificationId + "\n" + expiry;
            return mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
