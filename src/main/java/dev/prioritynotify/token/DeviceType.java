package dev.prioritynotify.token;

import java.util.Locale;

public enum DeviceType {
    ANDROID,
    GNOME,
    BROWSER,
    SCRIPT,
    OTHER;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeviceType parse(String raw) {
        for (DeviceType t : values()) {
            if (t.wire().equals(raw.trim().toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "unknown device type '" + raw + "'; use android, gnome, browser, script or other");
    }
}
