package dev.prioritynotify.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.prioritynotify.config.DatabaseConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.config.ConfigRegistry;

/** The pool, JDBI and migrations for one database. One instance per process, closed at shutdown. */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Dialect dialect;
    private final int maxPoolSize;
    /**
     * SQLite allows one writer at a time. Queuing writers here, in Java, is far cheaper than
     * letting them collide inside SQLite, whose busy handler sleeps and retries. Not fair: a
     * fair lock hands over to a parked thread on every release, which costs more than it is worth.
     */
    private final ReentrantLock sqliteWriteLock = new ReentrantLock();

    /** SQLite only: checkpoints the write-ahead log off the writers' path. */
    private final SqliteCheckpointer checkpointer;

    private Database(HikariDataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.maxPoolSize = dataSource.getMaximumPoolSize();
        this.dialect = dialect;
        this.checkpointer = dialect == Dialect.SQLITE ? new SqliteCheckpointer(dataSource) : null;
        if (checkpointer != null) {
            checkpointer.start();
        }
        this.jdbi = Jdbi.create(dataSource);
        jdbi.registerArgument(new InstantArgumentFactory(dialect));
        jdbi.registerArgument(new UuidArgumentFactory(dialect));
    }

    public static Database open(DatabaseConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setPoolName("db");
        hikari.setMaximumPoolSize(config.maxPoolSize());
        config.user().ifPresent(hikari::setUsername);
        config.password().ifPresent(p -> hikari.setPassword(p.value()));
        Dialect dialect = config.isPostgres() ? Dialect.POSTGRESQL : Dialect.SQLITE;
        if (dialect == Dialect.SQLITE) {
            createParentDirectory(config.jdbcUrl().substring("jdbc:sqlite:".length()));
            // WAL lets readers run beside the writer; NORMAL sync is durable across process
            // crashes (only an OS crash may lose the last commits); IMMEDIATE transactions take
            // the write lock up front so a transaction never fails half-way upgrading its lock.
            hikari.addDataSourceProperty("journal_mode", "WAL");
            hikari.addDataSourceProperty("synchronous", "NORMAL");
            hikari.addDataSourceProperty("busy_timeout", "10000");
            hikari.addDataSourceProperty("foreign_keys", "true");
            hikari.addDataSourceProperty("transaction_mode", "IMMEDIATE");
            // Reads through a memory map instead of a read() system call per page: the outbox's
            // claims and updates touch thousands of pages a second. The map is shared by all
            // connections (the OS page cache), unlike SQLite's own per-connection page cache.
            hikari.addDataSourceProperty("mmap_size", Long.toString(256L * 1024 * 1024));
            // Checkpoints run beside the writers (SqliteCheckpointer); a commit does one itself only
            // if the log grows past 20,000 pages (80 MiB) all the same. Once checkpointed, the log
            // file is cut back to 64 MiB.
            hikari.addDataSourceProperty("wal_autocheckpoint", "20000");
            hikari.addDataSourceProperty("journal_size_limit", Long.toString(64L * 1024 * 1024));
            // A broadcast's transaction touches thousands of pages: with SQLite's default 2 MiB
            // page cache they spilled into the log mid-transaction and were read back and written
            // again. Allocated only as used, per connection.
            hikari.addDataSourceProperty("cache_size", "-65536");
        } else {
            hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        return new Database(new HikariDataSource(hikari), dialect);
    }

    private static void createParentDirectory(String file) {
        if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) {
            return;
        }
        Path parent = Path.of(file).toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create database directory " + parent, e);
        }
    }

    public void migrate() {
        Flyway.configure()
                .dataSource(dataSource)
                .locations(dialect.migrationLocation())
                .load()
                .migrate();
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public Dialect dialect() {
        return dialect;
    }

    /**
     * How many write transactions are worth running at once: one on SQLite, which has one writer.
     * On PostgreSQL, one per two cores, at most four and at most half the pool (the other half is
     * for readers and the push workers): a writer keeps a thread here and a backend there busy,
     * and writers beyond that only compete for the cores and make each group smaller. Measured on
     * two cores, 16 users: one writer 5,800 creates/s, two 4,500/s, four 1,900/s
     * (docs/benchmarks.md, "Ingest at the database's limit").
     */
    public int concurrentWriters() {
        if (dialect == Dialect.SQLITE) {
            return 1;
        }
        int byCores = Runtime.getRuntime().availableProcessors() / 2;
        return Math.max(1, Math.min(4, Math.min(byCores, maxPoolSize / 2)));
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Runs a write transaction; on SQLite writers queue in-process first (see {@link #sqliteWriteLock}). */
    public <R> R inTransaction(HandleCallback<R, RuntimeException> work) {
        if (dialect != Dialect.SQLITE) {
            return jdbi.inTransaction(work);
        }
        sqliteWriteLock.lock();
        try {
            return jdbi.inTransaction(work);
        } finally {
            sqliteWriteLock.unlock();
            checkpointer.written();
        }
    }

    /** For {@code /readyz}: can a connection run a trivial query right now? */
    public boolean isReachable() {
        try {
            return jdbi.withHandle(
                            h -> h.createQuery("SELECT 1").mapTo(Integer.class).one())
                    == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (checkpointer != null) {
            checkpointer.close();
        }
        dataSource.close();
    }

    private static final class InstantArgumentFactory extends AbstractArgumentFactory<Instant> {
        private final Dialect dialect;

        InstantArgumentFactory(Dialect dialect) {
            super(dialect.instantSqlType());
            this.dialect = dialect;
        }

        @Override
        protected Argument build(Instant value, ConfigRegistry config) {
            return (position, statement, ctx) -> dialect.bindInstant(statement, position, value);
        }
    }

    private static final class UuidArgumentFactory extends AbstractArgumentFactory<UUID> {
        private final Dialect dialect;

        UuidArgumentFactory(Dialect dialect) {
            super(dialect.uuidSqlType());
            this.dialect = dialect;
        }

        @Override
        protected Argument build(UUID value, ConfigRegistry config) {
            return (position, statement, ctx) -> dialect.bindUuid(statement, position, value);
        }
    }
}
