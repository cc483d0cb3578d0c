package dev.prioritynotify.integration;

import dev.prioritynotify.http.ApiError;
import dev.prioritynotify.notification.NewNotification;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The limits of {@link NewNotification}, applied to what a foreign format sends. A value the
 * sender wrote itself (a Gotify title, an ntfy click URL) that breaks a limit is refused with
 * the field's name in that format; a value we derive (an alert's title from its labels) is
 * shortened instead, so that an alert is never lost to its length.
 */
final class Fields {
    private static final String ELLIPSIS = "…";

    private Fields() {}

    static String title(String field, String value) {
        if (value.isBlank()) {
            throw ApiError.invalid(field, "must not be blank");
        }
        if (value.codePointCount(0, value.length()) > NewNotification.MAX_TITLE) {
            throw ApiError.invalid(field, "must be at most " + NewNotification.MAX_TITLE + " characters");
        }
        return value;
    }

    static String message(String field, String value) {
        if (value.getBytes(StandardCharsets.UTF_8).length > NewNotification.MAX_MESSAGE_BYTES) {
            throw ApiError.invalid(field, "must be at most 64 KiB");
        }
        return value;
    }

    static String url(String field, String value) {
        if (!NewNotification.isAllowedUrl(value)) {
            throw ApiError.invalid(field, "must be an http(s) URL or a path starting with /");
        }
        if (value.length() > NewNotification.MAX_URL) {
            throw ApiError.invalid(field, "must be at most " + NewNotification.MAX_URL + " characters");
        }
        return value;
    }

    /** At most {@code max} code points, the last one an ellipsis when cut. */
    static String shortened(String text, int max) {
        if (text.codePointCount(0, text.length()) <= max) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, max - 1)) + ELLIPSIS;
    }

    /** At most 64 KiB of UTF-8, cut at a character boundary, for messages we derive. */
    static String shortenedMessage(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= NewNotification.MAX_MESSAGE_BYTES) {
            return text;
        }
        int end = NewNotification.MAX_MESSAGE_BYTES - ELLIPSIS.getBytes(StandardCharsets.UTF_8).length;
        while ((utf8[end] & 0xC0) == 0x80) {
            end--; // never cut inside a character: back up to the first byte of the one at the cut
        }
        return new String(utf8, 0, end, StandardCharsets.UTF_8) + ELLIPSIS;
    }

    /** A title from the first line of a message, when a format makes the title optional and ours needs one. */
    static String titleFrom(String message, String otherwise) {
        String firstLine = message.strip().lines().findFirst().orElse("").strip();
        return shortened(firstLine.isEmpty() ? otherwise : firstLine, NewNotification.MAX_TITLE);
    }

    static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }
}
