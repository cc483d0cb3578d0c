package dev.prioritynotify.push;

/**
 * Why this server cannot send Web Push, as one line that starts with the setting to fix
 * ({@code VAPID_SUBJECT: not set (…)}). It is logged once at start-up and answered by the push
 * routes, so whoever hits the 503 learns what is missing without access to the server log.
 */
final class PushUnavailable extends Exception {
    PushUnavailable(String reason) {
        super(reason, null, false, false);
    }
}
