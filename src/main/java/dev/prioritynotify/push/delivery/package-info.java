/**
 * The durable delivery queue; owns the tables {@code deliveries} and {@code push_bursts}.
 *
 * <p>The {@link dev.prioritynotify.push.delivery.Outbox} writes a notification's pushes in the
 * notification's own transaction (a broadcast's chunk of users at a time), folding bursts past
 * {@code PUSH_BURST_LIMIT} into one summary. {@link dev.prioritynotify.push.delivery.DeliveryWorkers}
 * claim what is due under a lease, queue it per push service
 * ({@link dev.prioritynotify.push.delivery.OriginQueue}, which bounds what is in flight to each),
 * send it with the {@link dev.prioritynotify.push.delivery.PushSender} (one asynchronous request per
 * push over a long-lived HTTP/2 connection per push service), and hand each answer, as a
 * {@link dev.prioritynotify.push.delivery.SendResult}, to the recorder, which writes outcomes in
 * batches and devices' health through {@code push.subscription}. A crash loses nothing: leases
 * expire and the pushes are sent again (at least once).
 *
 * <p>It reads notifications through {@link dev.prioritynotify.push.delivery.NotificationLookup},
 * which it declares and the notification feature answers.
 */
package dev.prioritynotify.push.delivery;
