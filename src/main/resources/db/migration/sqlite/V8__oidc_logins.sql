-- Sign-ins with the identity provider that have been started and not yet finished: one row per
-- redirect to the provider, found again by the SHA-256 of its `state` when the browser comes back
-- to /auth/callback. Kept in the database, not in memory, so the callback may reach another
-- instance behind the load balancer. A row is deleted as it is used (once only: a replayed callback
-- finds nothing), and rows past expires_at are pruned.
CREATE TABLE oidc_logins (
    state_hash    TEXT        NOT NULL PRIMARY KEY,
    browser_hash  TEXT        NOT NULL,
    nonce         TEXT        NOT NULL,
    code_verifier TEXT        NOT NULL,
    next_path     TEXT        NOT NULL,
    created_at    INTEGER     NOT NULL,
    expires_at    INTEGER     NOT NULL
);
CREATE INDEX oidc_logins_expires ON oidc_logins (expires_at);
