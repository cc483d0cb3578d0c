package dev.prioritynotify.store;

import org.jdbi.v3.core.Handle;

/**
 * A database transaction in progress, as one feature hands it to another so that both write in
 * it (a notification and its events and pushes commit together). The interface between them
 * speaks of a transaction, not of JDBI; the repository that writes takes the handle.
 */
public record Transaction(Handle handle) {}
