package dev.prioritynotify.auth.oidc;

import dev.prioritynotify.store.Database;
import java.time.Instant;
import java.util.Optional;

/** The {@code oidc_logins} table: pending sign-ins, keyed by the hash of their {@code state}. */
public final class PendingLoginRepository {
    private static final String INSERT_LOGIN = """
            INSERT INTO oidc_logins (state_hash, browser_hash, nonce, code_verifier, next_path, created_at, expires_at)
            VALUES (:stateHash, :browserHash, :nonce, :codeVerifier, :next, :now, :expiresAt)""";
    /**
     * Finding and deleting in one statement: of two callbacks with the same {@code state} (a replay,
     * a double click, two instances), exactly one gets the row.
     */
    private static final String DELETE_RETURNING = """
            DELETE FROM oidc_logins WHERE state_hash = :stateHash
            RETURNING browser_hash, nonce, code_verifier, next_path, expires_at""";

    private static final String DELETE_EXPIRED = "DELETE FROM oidc_logins WHERE expires_at <= :now";

    private final Database db;

    public PendingLoginRepository(Database db) {
        this.db = db;
    }

    void insert(String stateHash, PendingLogin login, Instant now) {
        db.inTransaction(h -> h.createUpdate(INSERT_LOGIN)
                .bind("stateHash", stateHash)
                .bind("browserHash", login.browserHash())
                .bind("nonce", login.nonce())
                .bind("codeVerifier", login.codeVerifier())
                .bind("next", login.next())
                .bind("now", now)
                .bind("expiresAt", login.expiresAt())
                .execute());
    }

    /** The pending sign-in of this state, removed as it is returned: a second call finds nothing. */
    Optional<PendingLogin> take(String stateHash) {
        return db.inTransaction(h -> h.createQuery(DELETE_RETURNING)
                .bind("stateHash", stateHash)
                .map((rs, ctx) -> new PendingLogin(
                        rs.getString("browser_hash"),
                        rs.getString("nonce"),
                        rs.getString("code_verifier"),
                        rs.getString("next_path"),
                        db.dialect().instant(rs, "expires_at")))
                .findOne());
    }

    int deleteExpired(Instant now) {
        return db.inTransaction(
                h -> h.createUpdate(DELETE_EXPIRED).bind("now", now).execute());
    }
}
