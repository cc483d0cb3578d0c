package dev.prioritynotify.config;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** A secret value whose {@code toString} never reveals it, so it cannot leak through a log line. */
public record Secret(String value) {
    public Secret {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("secret must not be empty");
        }
    }

    /**
     * A 32-byte key of this secret for one purpose (HKDF-SHA256, RFC 5869, with the purpose as
     * its info), so each use of {@code SECRET_KEY} has a key of its own and a value signed for one
     * purpose is worth nothing for another.
     */
    public byte[] deriveKey(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
            byte[] prk = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            mac.update(("priority-notify " + purpose).getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 1);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "Secret[***]";
    }
}
