package dev.prioritynotify.integration;

import dev.prioritynotify.notification.NewNotification;
import dev.prioritynotify.notification.Notification;
import java.util.UUID;

/** What the integrations need of the notification feature: create one for a user, committed before it returns. */
@FunctionalInterface
public interface Publisher {
    Notification publish(UUID userId, NewNotification notification);
}
