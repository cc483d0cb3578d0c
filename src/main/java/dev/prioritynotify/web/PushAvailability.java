package dev.prioritynotify.web;

import java.util.Optional;

/**
 * Whether this server can send Web Push, as the settings page needs to know before it offers to
 * subscribe: a browser cannot subscribe without the server's key.
 */
public interface PushAvailability {
    /** Empty when push works; otherwise what is missing and which setting fixes it. */
    Optional<String> unavailableReason();
}
