package dev.prioritynotify.user;

import dev.prioritynotify.store.Database;
import dev.prioritynotify.store.Dialect;
import java.sql.ResultSet;
import java.sql.SQLException;
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
