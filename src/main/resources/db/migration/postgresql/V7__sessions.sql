-- Signed-in browsers. The cookie carries a random id signed with a key derived from SECRET_KEY;
-- only the id's SHA-256 is stored, so a copy of the database signs nobody in. A row is what makes
-- a cookie valid: logout, a password change or the user's deletion removes it, and the next
-- request with that cookie is anonymous, on every instance.
CREATE TABLE sessions (
    id_hash    TEXT        NOT NULL PRIMARY KEY,
    user_id    UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
