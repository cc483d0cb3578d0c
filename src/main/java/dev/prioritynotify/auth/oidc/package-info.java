/**
 * Signing in with an OpenID Connect provider (Authentik, Keycloak, …): discovery from the issuer,
 * retried in the background while the provider is down; the authorization code flow with PKCE,
 * {@code state} and {@code nonce}, whose pending sign-ins live in the {@code oidc_logins} table so
 * that any instance can finish one; ID token validation against the provider's rotating keys; and
 * the provider's end-session endpoint for signing out there too.
 */
package dev.prioritynotify.auth.oidc;
