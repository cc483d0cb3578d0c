package dev.prioritynotify.stream;

import java.time.Instant;
import java.util.UUID;

/** One entry of a user's event log; {@code seq} is the SSE {@code id:} and counts up per user without gaps. */
record Event(UUID userId, long seq, String type, UUID notificationId, String payload, Instant createdAt) {}
