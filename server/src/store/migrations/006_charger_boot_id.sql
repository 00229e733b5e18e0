-- The boot id of each charger's latest boot. Redis keeps it too, but SQL must: after Redis lost its
-- data a charger that restarted meanwhile is still told from one that did not (its sessions are then
-- closed as charger_rebooted), and the live record is rebuilt from here (service/live_record.cpp).
-- NULL: no boot since this column was added.
ALTER TABLE chargers ADD COLUMN boot_id VARCHAR(64);
-- Meter samples name the charger's transaction: the order it belongs to is found by it
-- (a transaction still running for an order the server closed is stopped, service/stale_tx.cpp).
CREATE INDEX ix_orders_tx ON orders (charger_id, tx_id);
