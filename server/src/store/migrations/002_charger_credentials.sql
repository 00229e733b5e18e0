-- Charger MQTT credentials. The password is shown once when issued; only "sha256$<salt>$<hex>"
-- (hex = SHA-256 of salt followed by password) is kept, for the EMQX HTTP authentication hook.
-- Mosquitto keeps its own copy in the dynamic-security plugin.
ALTER TABLE chargers ADD COLUMN mqtt_password_hash VARCHAR(255) NOT NULL DEFAULT '';
-- The dashboard sums settled orders per day.
CREATE INDEX ix_orders_settled ON orders (settled_at);
