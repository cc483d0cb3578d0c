package dev.prioritynotify.notification;

import org.jdbi.v3.core.Handle;

/**
 * Takes part in every notification change. {@link #record} runs inside the change's transaction,
 * so what it writes (an event-log row, push deliveries) commits or rolls back with the change
 * itself: nothing is announced that was not saved, and nothing saved goes unannounced. The
 * returned action runs after the commit and must not block (it wakes a stream or a worker).
 */
@FunctionalInterface
public interface NotificationListener {
    Runnable record(Handle transaction, NotificationChange change);
}
