-- Core tables of the hub; the SQLite history holds the same tables.

CREATE TABLE users (
    id            UUID        PRIMARY KEY,
    sub           TEXT        NOT NULL UNIQUE,
    email         TEXT,
    name          TEXT        NOT NULL,
    password_hash TEXT,
    is_admin      BOOLEAN     NOT NULL DEFAULT FALSE,
    -- Last event sequence number handed out for this user; incremented in the same transaction
    -- as the change it numbers. The row lock this takes serialises one user's writers, so a
    -- client that saw seq N has seen every seq below N (Last-Event-ID replay relies on this).
    event_seq     BIGINT      NOT NULL DEFAULT 0,
    created_at    TIMESTAMPTZ NOT NULL,
    last_login_at TIMESTAMPTZ
);

CREATE TABLE notifications (
    id         UUID        PRIMARY KEY,
    user_id    UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      TEXT        NOT NULL,
    message    TEXT,
    priority   TEXT        NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'critical')),
    status     TEXT        NOT NULL DEFAULT 'unread' CHECK (status IN ('unread', 'read', 'archived')),
    source     TEXT,
    url        TEXT,
    tag        TEXT,
    metadata   TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    read_at    TIMESTAMPTZ
);
CREATE INDEX notifications_user_created ON notifications (user_id, created_at);
CREATE INDEX notifications_user_status ON notifications (user_id, status);
CREATE INDEX notifications_created ON notifications (created_at);

CREATE TABLE client_tokens (
    id           UUID        PRIMARY KEY,
    user_id      UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT        NOT NULL,
    device_type  TEXT        NOT NULL CHECK (device_type IN ('android', 'gnome', 'browser', 'script', 'other')),
    scopes       TEXT        NOT NULL,
    token_hash   TEXT        NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    expires_at   TIMESTAMPTZ
);
CREATE INDEX client_tokens_user ON client_tokens (user_id);

CREATE TABLE events (
    user_id         UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    seq             BIGINT      NOT NULL,
    type            TEXT        NOT NULL CHECK (type IN ('notification', 'status_change', 'deleted')),
    notification_id UUID        NOT NULL,
    payload         TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, seq)
);
CREATE INDEX events_created ON events (created_at);

CREATE TABLE settings (
    key        TEXT        PRIMARY KEY,
    value      TEXT        NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
