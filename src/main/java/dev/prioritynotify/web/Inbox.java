package dev.prioritynotify.web;

import dev.prioritynotify.notification.Notification;
import dev.prioritynotify.notification.NotificationFilter;
import dev.prioritynotify.notification.Page;
import java.util.Optional;
import java.util.UUID;

/** What the pages read of a person's notifications, and the one change a page makes itself (opening marks read). */
public interface Inbox {
    Page<Notification> list(UUID userId, NotificationFilter filter);

    Optional<Notification> find(UUID userId, UUID id);

    /** @return the notification as it is now (read), or empty when the user has no such notification */
    Optional<Notification> markRead(UUID userId, UUID id);
}
