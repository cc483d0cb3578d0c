package dev.prioritynotify.webpush;

import java.util.Base64;
import java.util.Optional;

/**
 * Lenient base64url decoding for keys written by people and other libraries: padding is
 * dropped and the standard alphabet's {@code +} and {@code /} are read as {@code -} and {@code _}.
 */
final class Base64Url {
    private Base64Url() {}

    /** Empty when the text is not base64 in either alphabet. */
    static Optional<byte[]> decode(String text) {
        String normalized = text.strip().replace('+', '-').replace('/', '_');
        int end = normalized.length();
        while (end > 0 && normalized.charAt(end - 1) == '=') {
            end--;
        }
        try {
            return Optional.of(Base64.getUrlDecoder().decode(normalized.substring(0, end)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
