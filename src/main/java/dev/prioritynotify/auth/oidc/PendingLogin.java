package dev.prioritynotify.auth.oidc;

import java.time.Instant;

/**
 * A sign-in sent to the provider and not yet back: what the callback must check the answer against
 * ({@code nonce}, the browser that started it) and finish it with ({@code codeVerifier}, {@code next}).
 */
record PendingLogin(String browserHash, String nonce, String codeVerifier, String next, Instant expiresAt) {}
