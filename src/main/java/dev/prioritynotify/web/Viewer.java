package dev.prioritynotify.web;

import java.util.UUID;

/** Who is looking at a page: the signed-in person, and the CSRF token their scripts send with changes. */
public record Viewer(UUID userId, String name, boolean admin, String csrfToken) {}
