package dev.prioritynotify.notification;

import java.time.Instant;
import java.util.Optional;

/**
 * What a list asks for. {@code priority} matches exactly; {@code minPriority} matches that
 * priority and every more urgent one, which is what alerting clients mean by a threshold.
 * {@code excludeArchived} is the web app's inbox: unread and read, without what was put away.
 */
public record NotificationFilter(
        Optional<Instant> since,
        Optional<Status> status,
        Optional<Priority> priority,
        Optional<Priority> minPriority,
        Optional<String> source,
        int limit,
        int offset,
        boolean excludeArchived) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    /** Every status, archived ones included (what the API's list means without {@code status}). */
    public NotificationFilter(
            Optional<Instant> since,
            Optional<Status> status,
            Optional<Priority> priority,
            Optional<Priority> minPriority,
            Optional<String> source,
            int limit,
            int offset) {
        this(since, status, priority, minPriority, source, limit, offset, false);
    }

    public static NotificationFilter all(int limit) {
        return new NotificationFilter(
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), limit, 0);
    }
}
