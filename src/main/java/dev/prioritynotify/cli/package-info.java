/** The command line: {@code serve}, {@code migrate}, {@code user}, {@code token} and {@code publish}. */
package dev.prioritynotify.cli;
