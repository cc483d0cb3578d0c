package dev.prioritynotify.notification;

import java.util.Locale;

/** Ordered from least to most urgent; {@link #atLeast} is how a device's minimum priority is applied. */
public enum Priority {
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL;

    public static final String ALLOWED = "low, medium, high, critical";

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean atLeast(Priority minimum) {
        return compareTo(minimum) >= 0;
    }

    public static Priority parse(String raw) {
        for (Priority p : values()) {
            if (p.wire().equals(raw)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown priority '" + raw + "'");
    }
}
