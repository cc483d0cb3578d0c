/**
 * Notifications: validation, storage, listing with filters, status changes and deletion, and
 * their HTTP routes. Other features (the event stream, Web Push) take part through
 * {@link dev.prioritynotify.notification.NotificationListener}: they write what must commit with
 * a change in the same transaction, and act after the commit; this package imports neither. A
 * broadcast hands them a chunk of created notifications at once, which they write in a few
 * batched statements rather than a few per user.
 */
package dev.prioritynotify.notification;
