package dev.prioritynotify.config;

/** A secret value whose {@code toString} never reveals it, so it cannot leak through a log line. */
public record Secret(String value) {
    public Secret {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("secret must not be empty");
        }
    }

    @Override
    public String toString() {
        return "Secret[***]";
    }
}
