-- The durable Web Push outbox: one row per (notification, device), written in the same
-- transaction as the notification, claimed by workers under a lease (FOR UPDATE SKIP LOCKED).
CREATE TABLE deliveries (
    id              UUID        PRIMARY KEY,
    kind            TEXT        NOT NULL DEFAULT 'notification' CHECK (kind IN ('notification', 'summary')),
    notification_id UUID        REFERENCES notifications (id) ON DELETE CASCADE,
    subscription_id UUID        NOT NULL,
    user_id         UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    origin          TEXT        NOT NULL,
    state           TEXT        NOT NULL CHECK (state IN ('pending', 'sending', 'delivered', 'failed', 'gone', 'coalesced')),
    attempts        INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    lease_until     TIMESTAMPTZ,
    last_status     INTEGER,
    last_error      TEXT,
    window_start    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    delivered_at    TIMESTAMPTZ,
    finished_at     TIMESTAMPTZ
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_notification ON deliveries (notification_id);
CREATE INDEX deliveries_subscription ON deliveries (subscription_id, state);
CREATE INDEX deliveries_finished ON deliveries (finished_at);
CREATE UNIQUE INDEX deliveries_one_summary_per_window ON deliveries (subscription_id, window_start) WHERE kind = 'summary';

-- Burst window per device (coalescing), and since when its deliveries have been failing (stale cleanup).
ALTER TABLE push_subscriptions ADD COLUMN burst_window_start TIMESTAMPTZ;
ALTER TABLE push_subscriptions ADD COLUMN burst_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE push_subscriptions ADD COLUMN failing_since TIMESTAMPTZ;
