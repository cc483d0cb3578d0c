/**
 * The composition root: {@link dev.prioritynotify.app.App} turns a {@code Config} into a running
 * server — database, repositories, services, routes, scheduled jobs — and is the only place that
 * wires them together.
 */
package dev.prioritynotify.app;
