/**
 * Devices: the browsers and apps subscribed to a user's pushes; owns the table
 * {@code push_subscriptions}.
 *
 * <p>{@link dev.prioritynotify.push.subscription.SubscriptionRepository} stores them (upsert on the
 * endpoint), their delivery health and their removal; the
 * {@link dev.prioritynotify.push.subscription.EndpointPolicy} decides which endpoints the server
 * will ever call (no SSRF through the sender), at subscribe time and again at send time; the
 * {@link dev.prioritynotify.http.RateLimiter} bounds subscribing per user and address.
 */
package dev.prioritynotify.push.subscription;
