/**
 * Web Push: everything between a stored notification and a browser's push service.
 *
 * <p>Subscriptions and their API ({@link dev.prioritynotify.push.PushRoutes}, with the endpoint
 * policy that keeps the sender off internal addresses); the VAPID key store; the durable
 * delivery queue — the outbox written in each notification's transaction, a broadcast's
 * chunk of users at a time ({@link dev.prioritynotify.push.Outbox}), and the workers that claim,
 * send, retry and record ({@link dev.prioritynotify.push.DeliveryWorkers}), with a queue per push
 * service that bounds what is in flight to it ({@link dev.prioritynotify.push.OriginQueue}); and
 * the sender, one asynchronous request per push over a long-lived HTTP/2 connection to each push
 * service ({@link dev.prioritynotify.push.PushSender}).
 *
 * <p>Its cryptography is pure functions without I/O:
 * <ul>
 *   <li>message encryption per RFC 8291 with the {@code aes128gcm} content coding of RFC 8188
 *       ({@link dev.prioritynotify.push.WebPushEncryption});</li>
 *   <li>validation of a subscription's {@code p256dh} and {@code auth} keys
 *       ({@link dev.prioritynotify.push.SubscriptionKeys});</li>
 *   <li>the application server ("VAPID") key pair and the RFC 8292 {@code Authorization} header
 *       ({@link dev.prioritynotify.push.VapidKeys}, {@link dev.prioritynotify.push.VapidSigner});</li>
 *   <li>the choice of JCA providers: Amazon Corretto Crypto Provider when its native library
 *       loads, the JDK's SunEC/SunJCE otherwise ({@link dev.prioritynotify.push.CryptoProviders}).</li>
 * </ul>
 *
 * <p>Every class takes its {@link dev.prioritynotify.push.CryptoProviders} explicitly rather than
 * relying on the global provider order, so one JVM can run the same code on both providers (the
 * tests do exactly that).
 */
package dev.prioritynotify.push;
