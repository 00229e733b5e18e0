-- The rows `demo.seed` created (kind: tariff, station, charger, driver, employee), so that a restart
-- with --demo recognises its own data and touches nothing else (an operator's chargers keep their
-- credentials), and demo seeding into a database holding anything else can be refused.
CREATE TABLE demo_rows (
    kind VARCHAR(16) NOT NULL,
    row_id BIGINT NOT NULL,
    PRIMARY KEY (kind, row_id)
) {{TABLE}};
