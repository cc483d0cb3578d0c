/**
 * The Web Push protocol, pure and without I/O or project imports (ArchitectureTest keeps it so):
 * <ul>
 *   <li>message encryption per RFC 8291 with the {@code aes128gcm} content coding of RFC 8188
 *       ({@link dev.prioritynotify.webpush.WebPushEncryption}, {@link dev.prioritynotify.webpush.Hkdf});</li>
 *   <li>a subscription's {@code p256dh} and {@code auth} keys, validated
 *       ({@link dev.prioritynotify.webpush.SubscriptionKeys}, {@link dev.prioritynotify.webpush.P256});</li>
 *   <li>the application server ("VAPID") key pair and the RFC 8292 {@code Authorization} header
 *       ({@link dev.prioritynotify.webpush.VapidKeys}, {@link dev.prioritynotify.webpush.VapidSigner});</li>
 *   <li>push service origins and shortened endpoints ({@link dev.prioritynotify.webpush.Endpoints});</li>
 *   <li>the choice of JCA providers: Amazon Corretto Crypto Provider when its native library
 *       loads, the JDK's SunEC/SunJCE otherwise ({@link dev.prioritynotify.webpush.CryptoProviders}).</li>
 * </ul>
 *
 * <p>Every class takes its {@link dev.prioritynotify.webpush.CryptoProviders} explicitly rather than
 * relying on the global provider order, so one JVM can run the same code on both providers (the
 * tests do exactly that). Null is never a value here unless marked {@code @Nullable} (NullAway).
 */
@NullMarked
package dev.prioritynotify.webpush;

import org.jspecify.annotations.NullMarked;
