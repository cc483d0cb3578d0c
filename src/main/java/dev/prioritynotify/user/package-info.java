/** People who own notifications: local accounts now, OIDC subjects later (both are rows of {@code users}). */
package dev.prioritynotify.user;
