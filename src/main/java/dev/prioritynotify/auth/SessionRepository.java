package dev.prioritynotify.auth;

import dev.prioritynotify.store.Database;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** The {@code sessions} table: one row per signed-in browser, keyed by the hash of its cookie's id. */
public final class SessionRepository {
    private static final String INSERT_SESSION =
            "INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (:idHash, :userId, :now, :expiresAt)";
    private static final String SELECT_LIVE =
            "SELECT user_id, expires_at FROM sessions WHERE id_hash = :idHash AND expires_at > :now";
    private static final String DELETE_ONE = "DELETE FROM sessions WHERE id_hash = :idHash";
    private static final String DELETE_USERS = "DELETE FROM sessions WHERE user_id = :userId";
    private static final String DELETE_USERS_OTHERS =
            "DELETE FROM sessions WHERE user_id = :userId AND id_hash <> :keep";
    private static final String DELETE_EXPIRED = "DELETE FROM sessions WHERE expires_at <= :now";

    private final Database db;

    public SessionRepository(Database db) {
        this.db = db;
    }

    void insert(String idHash, UUID userId, Instant now, Instant expiresAt) {
        db.inTransaction(h -> h.createUpdate(INSERT_SESSION)
                .bind("idHash", idHash)
                .bind("userId", userId)
                .bind("now", now)
                .bind("expiresAt", expiresAt)
                .execute());
    }

    /** The user and expiry of a session that has not expired. */
    Optional<Live> find(String idHash, Instant now) {
        return db.jdbi()
                .withHandle(h -> h.createQuery(SELECT_LIVE)
                        .bind("idHash", idHash)
                        .bind("now", now)
                        .map((rs, ctx) -> new Live(
                                db.dialect().uuid(rs, "user_id"), db.dialect().instant(rs, "expires_at")))
                        .findOne());
    }

    record Live(UUID userId, Instant expiresAt) {}

    void delete(String idHash) {
        db.inTransaction(h -> h.createUpdate(DELETE_ONE).bind("idHash", idHash).execute());
    }

    /** Every session of the user, or every one but {@code keep} (a password change keeps the browser that made it). */
    int deleteOfUser(UUID userId, Optional<String> keep) {
        return db.inTransaction(h -> keep.isPresent()
                ? h.createUpdate(DELETE_USERS_OTHERS)
                        .bind("userId", userId)
                        .bind("keep", keep.get())
                        .execute()
                : h.createUpdate(DELETE_USERS).bind("userId", userId).execute());
    }

    /** Signs the user out everywhere (a password set from the command line). */
    public int deleteAllOf(UUID userId) {
        return deleteOfUser(userId, Optional.empty());
    }

    int deleteExpired(Instant now) {
        return db.inTransaction(
                h -> h.createUpdate(DELETE_EXPIRED).bind("now", now).execute());
    }
}
