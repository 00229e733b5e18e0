-- Versions of the chargers' local authorisation lists (SendLocalList, docs/ocpp.md). Migration 008's
-- lists were versioned by the latest card change in seconds: two changes in one second shared a
-- version, so a differential update could miss one. Now every card change takes the next number of
-- one counter (an UPDATE of its single row: the row lock makes the numbers commit in order) and
-- keeps it in id_cards.list_version; a list's version is the highest of them, and a differential
-- update since version v carries the cards above v. The counter starts above any version of 008's
-- lists, so a list a charger holds from before is older than every new one.
CREATE TABLE card_list_version (
    id INTEGER NOT NULL PRIMARY KEY,
    version BIGINT NOT NULL
) {{TABLE}};
INSERT INTO card_list_version (id, version)
    SELECT 1, COALESCE((MAX(updated_at) - MAX(updated_at) % 1000) / 1000, 0) + 1 FROM id_cards;
ALTER TABLE id_cards ADD COLUMN list_version BIGINT NOT NULL DEFAULT 0;
UPDATE id_cards SET list_version = (SELECT version FROM card_list_version WHERE id = 1);
CREATE INDEX ix_id_cards_list_version ON id_cards (list_version);
