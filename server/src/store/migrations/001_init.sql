-- Kilowatt initial schema. Conventions: ids BIGINT, money BIGINT fen, energy BIGINT Wh,
-- power BIGINT W, every *_at BIGINT milliseconds since the Unix epoch (UTC).
-- {{ID}} and {{TABLE}} are filled per dialect by store/migrations.cpp.

CREATE TABLE tariffs (
    id {{ID}},
    name VARCHAR(100) NOT NULL,
    -- JSON: {"prices":{"sharp":{"electricity":12851,"service":8000},...},
    --        "periods":[["00:00","08:00","valley"],...]}; prices in 1/10000 yuan per kWh
    spec TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
) {{TABLE}};

CREATE TABLE stations (
    id {{ID}},
    name VARCHAR(100) NOT NULL,
    address VARCHAR(255) NOT NULL,
    lng DOUBLE PRECISION NOT NULL,          -- WGS-84; GCJ-02 is computed when served
    lat DOUBLE PRECISION NOT NULL,
    timezone VARCHAR(64) NOT NULL,          -- IANA, e.g. Asia/Shanghai
    opening_hours VARCHAR(64) NOT NULL,     -- "00:00-24:00" local time
    tariff_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
) {{TABLE}};

CREATE TABLE chargers (
    id {{ID}},
    code VARCHAR(32) NOT NULL,              -- also the MQTT username and topic segment
    station_id BIGINT NOT NULL,
    name VARCHAR(100) NOT NULL,
    kind VARCHAR(2) NOT NULL,               -- AC | DC
    rated_w BIGINT NOT NULL,
    vendor VARCHAR(100) NOT NULL DEFAULT '',
    model VARCHAR(100) NOT NULL DEFAULT '',
    firmware VARCHAR(100) NOT NULL DEFAULT '',
    protocol VARCHAR(32) NOT NULL DEFAULT 'kw-mqtt/1',
    last_boot_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT uq_chargers_code UNIQUE (code)
) {{TABLE}};
CREATE INDEX ix_chargers_station ON chargers (station_id);

CREATE TABLE connectors (
    id {{ID}},
    charger_id BIGINT NOT NULL,
    number INTEGER NOT NULL,                -- 1..n on its charger
    max_w BIGINT NOT NULL,
    CONSTRAINT uq_connectors UNIQUE (charger_id, number)
) {{TABLE}};

CREATE TABLE drivers (
    id {{ID}},
    phone VARCHAR(20) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,    -- argon2id encoded
    nickname VARCHAR(50) NOT NULL,
    status VARCHAR(16) NOT NULL,            -- active | disabled
    balance_fen BIGINT NOT NULL DEFAULT 0,  -- changed only together with a wallet_ledger row
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT uq_drivers_phone UNIQUE (phone)
) {{TABLE}};

CREATE TABLE employees (
    id {{ID}},
    login VARCHAR(50) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    name VARCHAR(50) NOT NULL,
    role VARCHAR(16) NOT NULL,              -- admin | operator | maintainer
    enabled INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT uq_employees_login UNIQUE (login)
) {{TABLE}};

CREATE TABLE orders (
    id {{ID}},
    driver_id BIGINT NOT NULL,
    station_id BIGINT NOT NULL,
    charger_id BIGINT NOT NULL,
    connector_no INTEGER NOT NULL,
    state VARCHAR(16) NOT NULL,             -- starting | charging | stopping | settled | cancelled
    stop_reason VARCHAR(32),                -- see domain/order_state.hpp
    tx_id VARCHAR(64),                      -- the charger's transaction id, from its first tx event
    schedule_id BIGINT,
    tariff_spec TEXT NOT NULL,              -- the station's tariff when the order was created
    timezone VARCHAR(64) NOT NULL,
    limit_wh BIGINT,                        -- optional stop conditions
    limit_fen BIGINT,
    limit_minutes BIGINT,
    deadline_at BIGINT,                     -- starting/stopping: when the command times out
    meter_start_wh BIGINT,
    meter_last_wh BIGINT,
    meter_last_at BIGINT,
    energy_wh BIGINT NOT NULL DEFAULT 0,
    electricity_fen BIGINT NOT NULL DEFAULT 0,
    service_fen BIGINT NOT NULL DEFAULT 0,
    total_fen BIGINT NOT NULL DEFAULT 0,    -- billed
    paid_fen BIGINT NOT NULL DEFAULT 0,     -- debited from the wallet
    refunded_fen BIGINT NOT NULL DEFAULT 0,
    breakdown TEXT,                         -- JSON array of billed segments
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    stopped_at BIGINT,
    settled_at BIGINT,
    updated_at BIGINT NOT NULL
) {{TABLE}};
CREATE INDEX ix_orders_driver ON orders (driver_id, created_at);
CREATE INDEX ix_orders_state ON orders (state, deadline_at);
CREATE INDEX ix_orders_charger ON orders (charger_id, state);
CREATE INDEX ix_orders_created ON orders (created_at);

-- Meter samples kept for billing: the first and last of a session, the ones either side of a
-- tariff period boundary, and one per bounded interval. Not every sample (those live in Redis).
CREATE TABLE order_samples (
    order_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    wh BIGINT NOT NULL,
    PRIMARY KEY (order_id, at)
) {{TABLE}};

-- Transaction events already applied, so a redelivered or replayed event is applied once.
CREATE TABLE tx_events (
    charger_id BIGINT NOT NULL,
    tx_id VARCHAR(64) NOT NULL,
    seq BIGINT NOT NULL,
    kind VARCHAR(16) NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (charger_id, tx_id, seq)
) {{TABLE}};

-- Append-only: every balance change, with its reason and reference.
CREATE TABLE wallet_ledger (
    id {{ID}},
    driver_id BIGINT NOT NULL,
    delta_fen BIGINT NOT NULL,
    balance_after_fen BIGINT NOT NULL,
    reason VARCHAR(16) NOT NULL,            -- topup | charge | refund | adjust
    order_id BIGINT,
    topup_id BIGINT,
    employee_id BIGINT,
    note VARCHAR(255) NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
) {{TABLE}};
CREATE INDEX ix_ledger_driver ON wallet_ledger (driver_id, id);

CREATE TABLE topups (
    id {{ID}},
    driver_id BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL,
    provider VARCHAR(32) NOT NULL,
    provider_ref VARCHAR(64) NOT NULL,
    state VARCHAR(16) NOT NULL,             -- pending | paid | failed
    created_at BIGINT NOT NULL,
    paid_at BIGINT,
    CONSTRAINT uq_topups_ref UNIQUE (provider, provider_ref)
) {{TABLE}};

CREATE TABLE schedules (
    id {{ID}},
    driver_id BIGINT NOT NULL,
    charger_id BIGINT NOT NULL,
    connector_no INTEGER NOT NULL,
    start_at BIGINT NOT NULL,
    limit_wh BIGINT,
    limit_fen BIGINT,
    limit_minutes BIGINT,
    state VARCHAR(16) NOT NULL,             -- pending | fired | failed | cancelled
    fail_reason VARCHAR(255),
    order_id BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
) {{TABLE}};
CREATE INDEX ix_schedules_due ON schedules (state, start_at);
CREATE INDEX ix_schedules_driver ON schedules (driver_id, id);

CREATE TABLE alarms (
    id {{ID}},
    charger_id BIGINT NOT NULL,
    connector_no INTEGER NOT NULL,          -- 0: the whole charger
    code VARCHAR(64) NOT NULL,
    severity VARCHAR(16) NOT NULL,          -- info | warning | error
    message VARCHAR(255) NOT NULL,
    raised_at BIGINT NOT NULL,
    cleared_at BIGINT
) {{TABLE}};
CREATE INDEX ix_alarms_charger ON alarms (charger_id, raised_at);
CREATE INDEX ix_alarms_raised ON alarms (raised_at);

CREATE TABLE audit_log (
    id {{ID}},
    employee_id BIGINT NOT NULL,
    action VARCHAR(64) NOT NULL,            -- e.g. driver.adjust_balance, order.refund
    target VARCHAR(100) NOT NULL,           -- e.g. driver:42
    detail TEXT NOT NULL,                   -- JSON
    created_at BIGINT NOT NULL
) {{TABLE}};
CREATE INDEX ix_audit_created ON audit_log (created_at);
