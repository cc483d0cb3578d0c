/**
 * Web Push as a feature: what the API offers and how its rooms fit together.
 *
 * <p>{@link dev.prioritynotify.push.PushRoutes} serve {@code /api/push/...} and a notification's
 * deliveries; {@link dev.prioritynotify.push.WebPush} is what they call: devices, the test push,
 * the deliveries view and housekeeping. {@link dev.prioritynotify.push.PushCredentials} are the VAPID
 * key pair ({@link dev.prioritynotify.push.VapidKeyStore}: configured, or generated once and kept
 * sealed in {@code settings}) and a signer for its subject, or the one line that says why push is
 * unavailable. {@code App} builds the parts; nothing here builds another room's objects.
 *
 * <p>The rooms below, each depending only on the ones after it (ArchitectureTest):
 * <ul>
 *   <li>{@link dev.prioritynotify.push.delivery}: the durable queue: outbox, workers, sender, outcomes;</li>
 *   <li>{@link dev.prioritynotify.push.subscription}: devices, the endpoint policy, the subscribe limit;</li>
 *   <li>{@link dev.prioritynotify.webpush}: the protocol, usable on its own.</li>
 * </ul>
 */
package dev.prioritynotify.push;
