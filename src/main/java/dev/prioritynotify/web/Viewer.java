package dev.prioritynotify.web;

import java.util.UUID;

/**
 * Who is looking at a page: the signed-in person, and the CSRF token their scripts send with
 * changes. A person signed in by a trusted reverse proxy has no session of ours (no CSRF token) and
 * signs out at the proxy, so the page offers no sign-out of its own.
 */
public record Viewer(UUID userId, String name, boolean admin, String csrfToken, boolean signedInByProxy) {}
