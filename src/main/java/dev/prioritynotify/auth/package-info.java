/**
 * Who is calling: resolves a request to a {@link dev.prioritynotify.auth.Caller} from its API
 * token (sessions and OIDC arrive later), enforces scopes, and serves {@code /api/me}.
 */
package dev.prioritynotify.auth;
