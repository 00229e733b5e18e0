-- RFID cards (充电卡): the id tag a card presents at a charger (OCPP idTag, at most 20 characters,
-- kept in upper case: OCPP compares id tags without case) and the driver whose wallet pays.
-- A card is never deleted: blocked, or expired, it still names who charged with it.
CREATE TABLE id_cards (
    id {{ID}},
    uid VARCHAR(20) NOT NULL,
    driver_id BIGINT NOT NULL,
    label VARCHAR(100) NOT NULL,
    status VARCHAR(16) NOT NULL,            -- active | blocked
    expires_at BIGINT,                      -- NULL: never
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
) {{TABLE}};
CREATE UNIQUE INDEX ux_id_cards_uid ON id_cards (uid);
CREATE INDEX ix_id_cards_driver ON id_cards (driver_id);
