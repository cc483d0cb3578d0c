-- Web Push subscriptions: one row per browser/PWA push endpoint, owned by one user.
CREATE TABLE push_subscriptions (
    id            TEXT    PRIMARY KEY,
    user_id       TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint      TEXT    NOT NULL UNIQUE,
    p256dh        TEXT    NOT NULL,
    auth          TEXT    NOT NULL,
    user_agent    TEXT,
    device_name   TEXT,
    min_priority  TEXT    NOT NULL DEFAULT 'low' CHECK (min_priority IN ('low', 'medium', 'high', 'critical')),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    last_error    TEXT,
    failure_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);
