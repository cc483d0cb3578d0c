package dev.prioritynotify.notification;

import dev.prioritynotify.store.Transaction;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes part in every notification change. {@link #record} runs inside the change's transaction,
 * so what it writes (an event-log row, push deliveries) commits or rolls back with the change
 * itself: nothing is announced that was not saved, and nothing saved goes unannounced. The
 * returned action runs after the commit and must not block (it wakes a stream or a worker).
 */
@FunctionalInterface
public interface NotificationListener {
    Runnable record(Transaction transaction, NotificationChange change);

    /**
     * The creation of many notifications in one transaction (a group of concurrent creates, or a
     * chunk of a broadcast), of one or many users, several of one user in the order they were made.
     * The same as {@link #record} for each of them, in order; a listener that writes per
     * notification overrides it to write the whole group in a few statements. The returned action
     * runs once, after the commit.
     */
    default Runnable recordCreated(Transaction transaction, List<Notification> created) {
        List<Runnable> actions = new ArrayList<>(created.size());
        for (Notification n : created) {
            actions.add(record(transaction, new NotificationChange.Created(n)));
        }
        return () -> actions.forEach(Runnable::run);
    }
}
