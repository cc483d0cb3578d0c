package dev.prioritynotify.webpush;

/**
 * A subscription's {@code keys.p256dh} or {@code keys.auth} is unusable; {@link #field()} names
 * which, so the subscribe handler can answer 400 with the offending field.
 */
public final class InvalidSubscriptionKeyException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;

    InvalidSubscriptionKeyException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** {@code keys.p256dh} or {@code keys.auth}. */
    public String field() {
        return field;
    }
}
