/**
 * API tokens: issuing ({@code pn_} + 32 random bytes, shown once), SHA-256 at rest, lookup by
 * hash, scopes, expiry and revocation.
 */
package dev.prioritynotify.token;
