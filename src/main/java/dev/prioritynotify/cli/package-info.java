/** The command line: {@code serve}, {@code migrate}, {@code user}, {@code token}, {@code vapid} and {@code publish}. */
package dev.prioritynotify.cli;
