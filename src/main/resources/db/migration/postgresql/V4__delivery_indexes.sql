-- Each push writes its deliveries row three times (queued, claimed, finished). Indexes are kept
-- to what those writes must maintain: the queue indexes hold only open rows (a claim moves a row
-- from the pending one to the sending one, finishing takes it out), the per-device index no longer
-- changes with the state, and the retention index takes only finished rows.
DROP INDEX deliveries_due;
DROP INDEX deliveries_subscription;
DROP INDEX deliveries_finished;
CREATE INDEX deliveries_pending ON deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX deliveries_sending ON deliveries (lease_until) WHERE state = 'sending';
CREATE INDEX deliveries_subscription ON deliveries (subscription_id);
CREATE INDEX deliveries_finished ON deliveries (finished_at) WHERE finished_at IS NOT NULL;
