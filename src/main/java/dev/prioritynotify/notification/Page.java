package dev.prioritynotify.notification;

import java.util.List;

/** A page of a list answer: {@code {"items","total","limit","offset"}}. */
public record Page<T>(List<T> items, long total, int limit, int offset) {}
