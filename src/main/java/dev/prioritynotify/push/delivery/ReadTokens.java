package dev.prioritynotify.push.delivery;

import dev.prioritynotify.notification.Notification;

/**
 * What a push needs for its "Mark as read" action: a short-lived capability to mark this one
 * notification read, which the service worker sends back without a session. The notification
 * feature issues them; the push only carries one.
 */
@FunctionalInterface
public interface ReadTokens {
    String forReading(Notification n);
}
