package dev.prioritynotify.web;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One API token as its owner sees it in the list.
 *
 * @param deviceType the wire name: android, gnome, browser, script or other
 * @param scopes the scopes' wire names, sorted
 * @param lastUsedAt null when never used
 * @param expiresAt null when it does not expire
 */
public record TokenRow(
        UUID id,
        String name,
        String deviceType,
        List<String> scopes,
        Instant createdAt,
        @Nullable Instant lastUsedAt,
        @Nullable Instant expiresAt) {
    public TokenRow {
        scopes = List.copyOf(scopes);
    }

    /** The row a page's script fills in for a token it made. */
    static TokenRow blank() {
        return new TokenRow(new UUID(0, 0), "", "other", List.of(), Instant.EPOCH, null, null);
    }

    public String deviceLabel() {
        return switch (deviceType) {
            case "android" -> "Android";
            case "gnome" -> "GNOME";
            case "browser" -> "Browser";
            case "script" -> "Script";
            default -> "Other";
        };
    }

    public Times.Shown created() {
        return Times.shown(createdAt, "");
    }

    public Times.Shown lastUsed() {
        return Times.shown(lastUsedAt, "Never");
    }

    public Times.Shown expires() {
        return Times.shown(expiresAt, "Never");
    }
}
