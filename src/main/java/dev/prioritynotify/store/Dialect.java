package dev.prioritynotify.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The two databases differ in how they store times and UUIDs (SQLite: epoch milliseconds and
 * text; PostgreSQL: {@code timestamptz} and {@code uuid}) and in how concurrent writers meet
 * (SQLite: one writer for the whole file; PostgreSQL: row locks, several writers, other
 * instances). Everything else, the SQL itself, is shared: repositories ask this type about both,
 * never which database it is (ArchitectureTest).
 */
public enum Dialect {
    SQLITE("sqlite") {
        @Override
        public Instant instant(ResultSet rs, String column) throws SQLException {
            long millis = rs.getLong(column);
            return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
        }

        @Override
        public UUID uuid(ResultSet rs, String column) throws SQLException {
            String text = rs.getString(column);
            return text == null ? null : UUID.fromString(text);
        }

        @Override
        public void bindInstant(PreparedStatement st, int position, Instant value) throws SQLException {
            if (value == null) {
                st.setNull(position, instantSqlType());
                return;
            }
            st.setLong(position, value.toEpochMilli());
        }

        @Override
        int instantSqlType() {
            return Types.BIGINT;
        }

        @Override
        public void bindUuid(PreparedStatement st, int position, UUID value) throws SQLException {
            st.setString(position, value == null ? null : value.toString());
        }

        @Override
        int uuidSqlType() {
            return Types.VARCHAR;
        }
    },
    POSTGRESQL("postgresql") {
        @Override
        public Instant instant(ResultSet rs, String column) throws SQLException {
            OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
            return value == null ? null : value.toInstant();
        }

        @Override
        public UUID uuid(ResultSet rs, String column) throws SQLException {
            return rs.getObject(column, UUID.class);
        }

        @Override
        public void bindInstant(PreparedStatement st, int position, Instant value) throws SQLException {
            if (value == null) {
                st.setNull(position, instantSqlType());
                return;
            }
            st.setObject(position, OffsetDateTime.ofInstant(value, ZoneOffset.UTC));
        }

        @Override
        int instantSqlType() {
            return Types.TIMESTAMP_WITH_TIMEZONE;
        }

        @Override
        public void bindUuid(PreparedStatement st, int position, UUID value) throws SQLException {
            if (value == null) {
                st.setNull(position, uuidSqlType());
                return;
            }
            st.setObject(position, value);
        }

        @Override
        int uuidSqlType() {
            return Types.OTHER;
        }
    };

    private final String migrationFolder;

    Dialect(String migrationFolder) {
        this.migrationFolder = migrationFolder;
    }

    /**
     * Whether writers take row locks and run side by side (PostgreSQL). Then a batch that updates
     * rows others update too takes their locks in one order first, so the writers queue instead of
     * deadlocking. SQLite's single writer makes that unnecessary.
     */
    public boolean locksRows() {
        return this == POSTGRESQL;
    }

    /**
     * The clause that lets concurrent claimers skip each other's rows ({@code FOR UPDATE SKIP
     * LOCKED}); empty where one writer at a time makes a claim atomic anyway.
     */
    public String skipLocked() {
        return locksRows() ? "FOR UPDATE SKIP LOCKED" : "";
    }

    public String migrationLocation() {
        return "classpath:db/migration/" + migrationFolder;
    }

    public abstract Instant instant(ResultSet rs, String column) throws SQLException;

    public abstract UUID uuid(ResultSet rs, String column) throws SQLException;

    /** Binds {@code value}, or SQL NULL when it is null. */
    public abstract void bindInstant(PreparedStatement st, int position, Instant value) throws SQLException;

    abstract int instantSqlType();

    /** Binds {@code value}, or SQL NULL when it is null. */
    public abstract void bindUuid(PreparedStatement st, int position, UUID value) throws SQLException;

    abstract int uuidSqlType();
}
