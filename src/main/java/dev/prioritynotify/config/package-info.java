/**
 * Configuration: read once at start-up from the environment, a {@code .env} file in the working
 * directory and {@code NAME_FILE} secret files; validated with messages that name the variable;
 * immutable afterwards.
 */
package dev.prioritynotify.config;
