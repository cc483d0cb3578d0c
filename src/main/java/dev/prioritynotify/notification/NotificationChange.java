package dev.prioritynotify.notification;

/** What happened to a notification; handed to each {@link NotificationListener}. */
public sealed interface NotificationChange {
    Notification notification();

    record Created(Notification notification) implements NotificationChange {}

    record StatusChanged(Notification notification, Status previous) implements NotificationChange {}

    record Deleted(Notification notification) implements NotificationChange {}
}
