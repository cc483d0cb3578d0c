/**
 * The web app a person sees: server-rendered JTE pages (the dashboard, one notification, push
 * settings, the person's API tokens, the administrators' user list), the static files (CSS, JS
 * modules, icons), the service worker and the web app manifest. Pages read through interfaces this
 * package declares ({@link dev.prioritynotify.web.Inbox}, {@link dev.prioritynotify.web.StreamPosition},
 * {@link dev.prioritynotify.web.PushAvailability}, {@link dev.prioritynotify.web.OwnTokens},
 * {@link dev.prioritynotify.web.UserRoster}); everything a page changes goes through the JSON API.
 */
package dev.prioritynotify.web;
