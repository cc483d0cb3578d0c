package dev.prioritynotify.push.delivery;

import dev.prioritynotify.notification.Notification;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * How the workers read the notifications of the pushes they have claimed, whoever owns them (the
 * workers check the owner against the device themselves). The notifications table is not theirs
 * to query; the notification feature answers.
 */
@FunctionalInterface
public interface NotificationLookup {
    List<Notification> byIds(Collection<UUID> ids);
}
