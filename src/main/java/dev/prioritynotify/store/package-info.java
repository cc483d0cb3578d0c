/**
 * Storage plumbing shared by the features: the connection pool, the JDBI instance with the
 * dialect's type mappings, transactions, Flyway migrations (one history per dialect under
 * {@code db/migration/{sqlite,postgresql}}), id generation, and plain JDBC batches for the few hot
 * write paths ({@link dev.prioritynotify.store.JdbcBatch}), and the online backup of a SQLite
 * database ({@link dev.prioritynotify.store.SqliteBackup}). No feature SQL lives here.
 */
package dev.prioritynotify.store;
