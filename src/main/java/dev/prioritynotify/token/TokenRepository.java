package dev.prioritynotify.token;

import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Dialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

final class TokenRepository {
    private static final String COLUMNS =
            "id, user_id, name, device_type, scopes, created_at, last_used_at, expires_at";
    private static final String INSERT_TOKEN = """
            INSERT INTO client_tokens (id, user_id, name, device_type, scopes, token_hash, created_at, expires_at)
            VALUES (:id, :userId, :name, :deviceType, :scopes, :hash, :createdAt, :expiresAt)""";
    private static final String SELECT_BY_HASH =
            "SELECT " + COLUMNS + ", token_hash FROM client_tokens WHERE token_hash = :hash";
    private static final String SELECT_BY_USER =
            "SELECT " + COLUMNS + " FROM client_tokens WHERE user_id = :userId ORDER BY created_at DESC";
    private static final String DELETE_TOKEN = "DELETE FROM client_tokens WHERE id = :id";
    private static final String DELETE_USER_TOKEN = "DELETE FROM client_tokens WHERE id = :id AND user_id = :userId";
    /** Conditional, so concurrent requests with one token write at most once per interval. */
    private static final String TOUCH_TOKEN = """
            UPDATE client_tokens SET last_used_at = :now
            WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :threshold)""";

    private static final String SELECT_EXISTING = "SELECT id FROM client_tokens WHERE id IN (<ids>)";

    private final Database db;

    TokenRepository(Database db) {
        this.db = db;
    }

    void insert(ApiToken t, String hash) {
        db.inTransaction(h -> h.createUpdate(INSERT_TOKEN)
                .bind("id", t.id())
                .bind("userId", t.userId())
                .bind("name", t.name())
                .bind("deviceType", t.deviceType().wire())
                .bind("scopes", Scope.join(t.scopes()))
                .bind("hash", hash)
                .bind("createdAt", t.createdAt())
                .bind("expiresAt", t.expiresAt())
                .execute());
    }

    record Stored(ApiToken token, String hash) {}

    Optional<Stored> findByHash(String hash) {
        return db.jdbi()
                .withHandle(h -> h.createQuery(SELECT_BY_HASH)
                        .bind("hash", hash)
                        .map((rs, ctx) -> new Stored(map(rs, ctx), rs.getString("token_hash")))
                        .findOne());
    }

    List<ApiToken> listByUser(UUID userId) {
        return db.jdbi()
                .withHandle(h -> h.createQuery(SELECT_BY_USER)
                        .bind("userId", userId)
                        .map(this::map)
                        .list());
    }

    boolean delete(UUID id) {
        return db.inTransaction(h -> h.createUpdate(DELETE_TOKEN).bind("id", id).execute()) > 0;
    }

    boolean delete(UUID id, UUID userId) {
        return db.inTransaction(h -> h.createUpdate(DELETE_USER_TOKEN)
                        .bind("id", id)
                        .bind("userId", userId)
                        .execute())
                > 0;
    }

    /** Of these tokens, the ones that still exist, read inside the caller's transaction. */
    Set<UUID> existing(Handle h, Collection<UUID> ids) {
        Dialect d = db.dialect();
        return Set.copyOf(h.createQuery(SELECT_EXISTING)
                .bindList("ids", List.copyOf(ids))
                .map((rs, ctx) -> d.uuid(rs, "id"))
                .list());
    }

    void touch(UUID id, Instant now, Instant threshold) {
        db.inTransaction(h -> h.createUpdate(TOUCH_TOKEN)
                .bind("id", id)
                .bind("now", now)
                .bind("threshold", threshold)
                .execute());
    }

    private ApiToken map(ResultSet rs, StatementContext ctx) throws SQLException {
        Dialect d = db.dialect();
        return new ApiToken(
                d.uuid(rs, "id"),
                d.uuid(rs, "user_id"),
                rs.getString("name"),
                DeviceType.parse(rs.getString("device_type")),
                Scope.parseList(rs.getString("scopes")),
                d.instant(rs, "created_at"),
                d.instant(rs, "last_used_at"),
                d.instant(rs, "expires_at"));
    }
}
