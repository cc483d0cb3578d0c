/**
 * Who is calling: resolves a request to a {@link dev.prioritynotify.auth.Caller} from its API
 * token, its session cookie or a trusted reverse proxy's header, enforces scopes and the CSRF
 * rules of browser requests, and serves sign-in and {@code /api/me}.
 */
package dev.prioritynotify.auth;
