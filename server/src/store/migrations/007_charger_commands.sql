-- The operator's commands to a charger (reset, unlock, availability, configuration, trigger, clear
-- cache: the ones OCPP chargers take) and their answers, whichever instance received the answer:
-- the console asks for a command's state here, and the rows are the charger's command history.
CREATE TABLE charger_commands (
    id {{ID}},
    charger_id BIGINT NOT NULL,
    kind VARCHAR(32) NOT NULL,              -- reset | unlock | availability | get_configuration | ...
    params TEXT NOT NULL,                   -- JSON object: the command's arguments
    status VARCHAR(16) NOT NULL,            -- sent | accepted | rejected | failed | timeout
    reason VARCHAR(100) NOT NULL,           -- the charger's reason when not accepted, else ''
    result TEXT,                            -- JSON object: what the answer carried (configuration, ...)
    employee_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    answered_at BIGINT
) {{TABLE}};
CREATE INDEX ix_charger_commands_charger ON charger_commands (charger_id, created_at);
CREATE INDEX ix_charger_commands_status ON charger_commands (status, created_at);
