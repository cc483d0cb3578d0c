package dev.prioritynotify.web;

import java.util.UUID;

/**
 * The id of the user's latest live event. Read before a page lists the notifications, and handed
 * to the page's stream as where to resume, so nothing committed between render and connect is missed.
 */
@FunctionalInterface
public interface StreamPosition {
    long current(UUID userId);
}
