/**
 * People who own notifications: local accounts, and people an identity provider (OIDC) or a trusted
 * reverse proxy vouches for (all are rows of {@code users}).
 */
package dev.prioritynotify.user;
