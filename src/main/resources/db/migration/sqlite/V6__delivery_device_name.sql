-- The device's name on each of its delivery rows, copied when the row is written: the
-- deliveries view still says which device a push went to after the device is removed (a 404/410
-- from its push service, an unsubscribe, housekeeping). Rows written before keep the name of
-- their device where it still exists; a device already removed had taken its name with it.
ALTER TABLE deliveries ADD COLUMN device_name TEXT;
UPDATE deliveries SET device_name = (SELECT s.device_name FROM push_subscriptions s WHERE s.id = deliveries.subscription_id);
