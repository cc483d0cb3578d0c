/** The command line: {@code serve}, {@code migrate}, {@code user}, {@code token}, {@code vapid}, {@code publish} and {@code backup}. */
package dev.prioritynotify.cli;
