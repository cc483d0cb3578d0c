/**
 * The web app a person sees: server-rendered JTE pages (the dashboard, one notification, push settings), the
 * static files (CSS, JS modules, icons), the service worker and the web app manifest. Pages read
 * through interfaces this package declares ({@link dev.prioritynotify.web.Inbox},
 * {@link dev.prioritynotify.web.StreamPosition}, {@link dev.prioritynotify.web.PushAvailability}); everything a page changes goes through the JSON API.
 */
package dev.prioritynotify.web;
