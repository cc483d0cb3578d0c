package dev.prioritynotify.push.subscription;

/** A subscription as stored, and whether it was new (201) or a known endpoint updated (200). */
public record Upserted(PushSubscription subscription, boolean created) {}
