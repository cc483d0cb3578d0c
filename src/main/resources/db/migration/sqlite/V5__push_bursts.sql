-- A device's burst counter in a narrow table of its own. It changes with every push created for
-- the device, and rewriting the wide push_subscriptions row (endpoint, keys, user agent) each
-- time cost more than the counter is worth. Kept apart, creating pushes and recording their
-- outcomes (which writes the device's health) never touch the same rows. No foreign key: its
-- check would lock the device row; counters of removed devices are cleared by housekeeping.
CREATE TABLE push_bursts (
    subscription_id TEXT    PRIMARY KEY,
    window_start    INTEGER NOT NULL,
    pushes          INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO push_bursts (subscription_id, window_start, pushes)
    SELECT id, burst_window_start, burst_count FROM push_subscriptions WHERE burst_window_start IS NOT NULL;
ALTER TABLE push_subscriptions DROP COLUMN burst_window_start;
ALTER TABLE push_subscriptions DROP COLUMN burst_count;
