package dev.prioritynotify.notification;

import java.util.Locale;

public enum Status {
    UNREAD,
    READ,
    ARCHIVED;

    public static final String ALLOWED = "unread, read, archived";

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Status parse(String raw) {
        for (Status s : values()) {
            if (s.wire().equals(raw)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown status '" + raw + "'");
    }
}
