package dev.prioritynotify.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
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

    /** Binds the parameters that come before an IN list (see {@link #updateWhereIdIn}). */
    @FunctionalInterface
    public interface LeadingParameters {
        /** @return the position of the last parameter bound (0 when there are none) */
        int bind(PreparedStatement statement) throws SQLException;
    }

    /** Well below both databases' limits on parameters per statement. */
    private static final int IN_LIST_CHUNK = 500;

    private JdbcBatch() {}

    /** A long IN list in pieces of {@value #IN_LIST_CHUNK}, one statement each. */
    public static <T> List<List<T>> chunks(Collection<T> values) {
        List<T> all = List.copyOf(values);
        List<List<T>> chunks = new java.util.ArrayList<>((all.size() + IN_LIST_CHUNK - 1) / IN_LIST_CHUNK);
        for (int from = 0; from < all.size(); from += IN_LIST_CHUNK) {
            chunks.add(all.subList(from, Math.min(all.size(), from + IN_LIST_CHUNK)));
        }
        return chunks;
    }

    /**
     * Runs an UPDATE or DELETE whose {@code %s} is the list of an {@code id IN (%s)} condition, for
     * a whole set of rows in one statement (in chunks of {@value #IN_LIST_CHUNK}): on hot paths,
     * one statement per set costs far less than a batch of one statement per row, above all on
     * PostgreSQL, which executes each statement of a batch on its own.
     *
     * @return the number of rows changed
     */
    public static int updateWhereIdIn(
            Handle transaction,
            Dialect dialect,
            String sqlWithInList,
            Collection<UUID> ids,
            LeadingParameters leading) {
        List<UUID> all = List.copyOf(ids);
        int changed = 0;
        for (int from = 0; from < all.size(); from += IN_LIST_CHUNK) {
            List<UUID> chunk = all.subList(from, Math.min(all.size(), from + IN_LIST_CHUNK));
            String sql = sqlWithInList.formatted(String.join(", ", Collections.nCopies(chunk.size(), "?")));
            try (PreparedStatement st = transaction.getConnection().prepareStatement(sql)) {
                int position = leading.bind(st);
                for (UUID id : chunk) {
                    dialect.bindUuid(st, ++position, id);
                }
                changed += st.executeUpdate();
            } catch (SQLException e) {
                throw new UnableToExecuteStatementException(
                        "update of " + chunk.size() + " rows failed: " + sql, e, null);
            }
        }
        return changed;
    }

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
