-- Core tables of the hub. Times are epoch milliseconds (SQLite has no timestamp type);
-- ids are UUID text. The PostgreSQL history holds the same tables with native types.

CREATE TABLE users (
    id            TEXT    PRIMARY KEY,
    sub           TEXT    NOT NULL UNIQUE,
    email         TEXT,
    name          TEXT    NOT NULL,
    password_hash TEXT,
    is_admin      INTEGER NOT NULL DEFAULT 0,
    -- Last event sequence number handed out for this user; incremented in the same transaction
    -- as the change it numbers, so sequence order is commit order for each user.
    event_seq     INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    last_login_at INTEGER
);

CREATE TABLE notifications (
    id         TEXT    PRIMARY KEY,
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      TEXT    NOT NULL,
    message    TEXT,
    priority   TEXT    NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'critical')),
    status     TEXT    NOT NULL DEFAULT 'unread' CHECK (status IN ('unread', 'read', 'archived')),
    source     TEXT,
    url        TEXT,
    tag        TEXT,
    metadata   TEXT,
    created_at INTEGER NOT NULL,
    read_at    INTEGER
);
CREATE INDEX notifications_user_created ON notifications (user_id, created_at);
CREATE INDEX notifications_user_status ON notifications (user_id, status);
CREATE INDEX notifications_created ON notifications (created_at);

CREATE TABLE client_tokens (
    id           TEXT    PRIMARY KEY,
    user_id      TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    device_type  TEXT    NOT NULL CHECK (device_type IN ('android', 'gnome', 'browser', 'script', 'other')),
    scopes       TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    expires_at   INTEGER
);
CREATE INDEX client_tokens_user ON client_tokens (user_id);

CREATE TABLE events (
    user_id         TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    type            TEXT    NOT NULL CHECK (type IN ('notification', 'status_change', 'deleted')),
    notification_id TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (user_id, seq)
) WITHOUT ROWID;
CREATE INDEX events_created ON events (created_at);

CREATE TABLE settings (
    key        TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);
