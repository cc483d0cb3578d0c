/**
 * What a signed-in person manages for themselves over HTTP: their API tokens (issue, list, revoke,
 * and a new token's connect QR code, held in memory for a few minutes only) and their password.
 * Browser sessions only: a script holding a token cannot mint more tokens or change a password.
 * Sits above {@code auth} (who is calling) and {@code token}/{@code user} (what is managed), which
 * is why these routes are not in {@code token}: {@code auth} builds on {@code token}.
 */
package dev.prioritynotify.account;
