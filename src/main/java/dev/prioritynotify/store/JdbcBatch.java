package dev.prioritynotify.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * One statement run for many rows as a plain JDBC batch on the transaction's connection, binding
 * by position with {@link Dialect#bindUuid}/{@link Dialect#bindInstant}. For the hot write paths
 * only — a broadcast chunk, one notification to thousands of devices — where JDBI's per-parameter
 * binding showed as a cost. On PostgreSQL an insert batch becomes multi-row inserts
 * ({@code reWriteBatchedInserts}, see {@link Database#open}).
 */
public final class JdbcBatch {
    /** Binds one row's values to the statement, by position. */
    @FunctionalInterface
    public interface Binder<T> {
        void bind(PreparedStatement statement, T row) throws SQLException;
    }

    private JdbcBatch() {}

    /** Runs {@code sql} once per row, in the rows' order; nothing at all when there are none. */
    public static <T> void execute(Handle transaction, String sql, Collection<T> rows, Binder<? super T> binder) {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement st = transaction.getConnection().prepareStatement(sql)) {
            for (T row : rows) {
                binder.bind(st, row);
                st.addBatch();
            }
            st.executeBatch();
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException("batch of " + rows.size() + " failed: " + sql, e, null);
        }
    }
}
