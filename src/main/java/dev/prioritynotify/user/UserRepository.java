package dev.prioritynotify.user;

import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Dialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.statement.StatementContext;

public final class UserRepository {
    private static final String COLUMNS = "id, sub, email, name, is_admin, created_at, last_login_at";
    private static final String INSERT_USER = """
            INSERT INTO users (id, sub, email, name, password_hash, is_admin, created_at)
            VALUES (:id, :sub, :email, :name, :passwordHash, :admin, :createdAt)""";
    private static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM users WHERE id = :id";
    private static final String SELECT_BY_SUB = "SELECT " + COLUMNS + " FROM users WHERE sub = :sub";
    private static final String SELECT_ALL = "SELECT " + COLUMNS + " FROM users ORDER BY created_at, sub";
    private static final String SELECT_ALL_IDS = "SELECT id FROM users ORDER BY created_at";
    private static final String SELECT_PASSWORD_HASH = "SELECT password_hash FROM users WHERE sub = :sub";
    private static final String UPDATE_PASSWORD_HASH = "UPDATE users SET password_hash = :hash WHERE id = :id";
    private static final String UPDATE_LAST_LOGIN = "UPDATE users SET last_login_at = :now WHERE id = :id";
    private static final String UPDATE_ADMIN = "UPDATE users SET is_admin = :admin WHERE id = :id";
    /**
     * Takes the flag away only while another administrator remains, in one statement: a count
     * followed by an update would let two administrators demote each other at once. (On PostgreSQL
     * under READ COMMITTED two such statements racing on the last two admins can still both pass;
     * administrators are few and act by hand, so the window is accepted.)
     */
    private static final String REVOKE_ADMIN_UNLESS_LAST = """
            UPDATE users SET is_admin = :no WHERE id = :id
            AND EXISTS (SELECT 1 FROM users other WHERE other.is_admin = :yes AND other.id <> :id)""";
    /** Identity provider or proxy: its word on email, name and (when it says) administrator is taken at each sign-in. */
    private static final String UPDATE_IDENTITY =
            "UPDATE users SET email = :email, name = :name, is_admin = :admin, last_login_at = :now WHERE id = :id";

    private static final String DELETE_USER = "DELETE FROM users WHERE id = :id";
    private static final String COUNT_USERS = "SELECT COUNT(*) FROM users";

    private final Database db;

    public UserRepository(Database db) {
        this.db = db;
    }

    public void insert(User user, String passwordHash) {
        db.inTransaction(h -> h.createUpdate(INSERT_USER)
                .bind("id", user.id())
                .bind("sub", user.sub())
                .bind("email", user.email())
                .bind("name", user.name())
                .bind("passwordHash", passwordHash)
                .bind("admin", user.admin())
                .bind("createdAt", user.createdAt())
                .execute());
    }

    public Optional<User> findById(UUID id) {
        return db.jdbi()
                .withHandle(h -> h.createQuery(SELECT_BY_ID)
                        .bind("id", id)
                        .map(this::map)
                        .findOne());
    }

    public Optional<User> findBySub(String sub) {
        return db.jdbi()
                .withHandle(h -> h.createQuery(SELECT_BY_SUB)
                        .bind("sub", sub)
                        .map(this::map)
                        .findOne());
    }

    public List<User> list() {
        return db.jdbi()
                .withHandle(h -> h.createQuery(SELECT_ALL).map(this::map).list());
    }

    public List<UUID> listIds() {
        Dialect d = db.dialect();
        return db.jdbi()
                .withHandle(h -> h.createQuery(SELECT_ALL_IDS)
                        .map((rs, ctx) -> d.uuid(rs, "id"))
                        .list());
    }

    /** The stored Argon2id hash of a local account, when it has a password. */
    public Optional<String> passwordHashOf(String sub) {
        return db.jdbi()
                .withHandle(h -> h.createQuery(SELECT_PASSWORD_HASH)
                        .bind("sub", sub)
                        .mapTo(String.class)
                        .findOne());
    }

    public void setPasswordHash(UUID id, String hash) {
        db.inTransaction(h -> h.createUpdate(UPDATE_PASSWORD_HASH)
                .bind("id", id)
                .bind("hash", hash)
                .execute());
    }

    public void recordLogin(UUID id, Instant now) {
        db.inTransaction(h -> h.createUpdate(UPDATE_LAST_LOGIN)
                .bind("id", id)
                .bind("now", now)
                .execute());
    }

    /** @return false when there is no such user */
    public boolean setAdmin(UUID id, boolean admin) {
        return db.inTransaction(h -> h.createUpdate(UPDATE_ADMIN)
                        .bind("id", id)
                        .bind("admin", admin)
                        .execute())
                > 0;
    }

    /**
     * Makes the user an administrator or takes that away; taking it from the last administrator
     * changes nothing.
     *
     * @return false when there is no such user, or when it is the last administrator losing the flag
     */
    public boolean setAdminUnlessLast(UUID id, boolean admin) {
        if (admin) {
            return setAdmin(id, true);
        }
        return db.inTransaction(h -> h.createUpdate(REVOKE_ADMIN_UNLESS_LAST)
                        .bind("id", id)
                        .bind("no", false)
                        .bind("yes", true)
                        .execute())
                > 0;
    }

    /** What an identity provider says of a user at sign-in, and the time of it. */
    public void updateIdentity(UUID id, String email, String name, boolean admin, Instant now) {
        db.inTransaction(h -> h.createUpdate(UPDATE_IDENTITY)
                .bind("id", id)
                .bind("email", email)
                .bind("name", name)
                .bind("admin", admin)
                .bind("now", now)
                .execute());
    }

    /** Deletes the user; their notifications, events, tokens, sessions and devices go with them (ON DELETE CASCADE). */
    public boolean delete(UUID id) {
        return db.inTransaction(h -> h.createUpdate(DELETE_USER).bind("id", id).execute()) > 0;
    }

    public long count() {
        return db.jdbi()
                .withHandle(h -> h.createQuery(COUNT_USERS).mapTo(Long.class).one());
    }

    private User map(ResultSet rs, StatementContext ctx) throws SQLException {
        Dialect d = db.dialect();
        return new User(
                d.uuid(rs, "id"),
                rs.getString("sub"),
                rs.getString("email"),
                rs.getString("name"),
                rs.getBoolean("is_admin"),
                d.instant(rs, "created_at"),
                d.instant(rs, "last_login_at"));
    }
}
