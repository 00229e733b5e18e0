-- The order that holds a connector, claimed with a conditional UPDATE so two drivers (or two server
-- instances) can never start on the same connector at once. NULL: free.
ALTER TABLE connectors ADD COLUMN active_order_id BIGINT;
-- At most one active order per driver is enforced the same way.
ALTER TABLE drivers ADD COLUMN active_order_id BIGINT;
