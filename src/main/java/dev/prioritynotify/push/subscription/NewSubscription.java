package dev.prioritynotify.push.subscription;

import dev.prioritynotify.notification.Priority;
import dev.prioritynotify.webpush.SubscriptionKeys;

/** What the browser sent to subscribe, validated: its endpoint, keys and the device's settings. */
public record NewSubscription(
        String endpoint, SubscriptionKeys keys, String userAgent, String deviceName, Priority minPriority) {}
