/**
 * HTTP plumbing shared by the feature routes: the error catalog ({@link dev.prioritynotify.http.ApiError})
 * and the one renderer that turns every failure into {@code {"detail": ...}}, strict parsing of
 * bodies, query strings and path parameters (each failure names its field), and the JSON mapper.
 */
package dev.prioritynotify.http;
