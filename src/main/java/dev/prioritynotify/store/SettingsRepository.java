package dev.prioritynotify.store;

import java.time.Instant;
import java.util.Optional;

/** The {@code settings} table: generated values that must survive restarts (e.g. a generated VAPID key pair). */
public final class SettingsRepository {
    private static final String SELECT_VALUE = "SELECT value FROM settings WHERE key = :key";
    /** First writer wins: two instances starting together end up with the same value. */
    private static final String INSERT_IF_ABSENT = """
            INSERT INTO settings (key, value, updated_at) VALUES (:key, :value, :now)
            ON CONFLICT (key) DO NOTHING""";

    private final Database db;

    public SettingsRepository(Database db) {
        this.db = db;
    }

    public Optional<String> get(String key) {
        return db.jdbi()
                .withHandle(h -> h.createQuery(SELECT_VALUE)
                        .bind("key", key)
                        .mapTo(String.class)
                        .findOne());
    }

    /** Stores {@code value} unless the key exists; returns what is stored afterwards. */
    public String putIfAbsent(String key, String value, Instant now) {
        db.inTransaction(h -> h.createUpdate(INSERT_IF_ABSENT)
                .bind("key", key)
                .bind("value", value)
                .bind("now", now)
                .execute());
        return get(key).orElseThrow();
    }
}
