#pragma once
// Typed configuration, read once at start: defaults < TOML file < environment (KW_SECTION_KEY)
// < command-line flags (--section.key=value, and the shortcuts --db, --config, --port).
// Unknown keys and bad values stop the start with a message naming the key (kw::Error bad_request).
#include <cstdint>
#include <string>
#include <vector>

namespace kw::app {

struct Config {
    struct Server {
        std::string address = "127.0.0.1";
        std::int64_t port = 8080;
        std::int64_t workers = 4;               // threads for HTTP handlers (blocking SQL, Redis)
        // Threads for charger messages and the sweeper (billing). A meter handler spends most of its
        // time waiting on Redis round trips, not computing (docs/performance.md, push and ingest), so
        // there are more of them than cores: 2 -> 4 raised ingest ~18 % and push throughput at
        // 5,000 msg/s from 3,364 to 4,989/s on the 2-core bench machine.
        std::int64_t device_workers = 4;
        std::int64_t io_threads = 1;
        std::int64_t body_limit = 65536;        // bytes
        std::int64_t shutdown_grace_s = 10;
        std::string public_url = "http://127.0.0.1:8080";  // base of QR codes and links
        std::string admin_root;                 // built admin console; empty: not served
        std::string app_root;                   // built driver app; empty: not served
        std::string instance_id;                // empty: hostname-pid
        bool cluster = false;                   // several instances: WebSocket pushes go through Redis
        bool trust_proxy = false;               // client address from X-Real-IP (set by our nginx) for throttling
        std::string metrics_token;              // bearer token of GET /metrics; empty: /metrics is off (404)
        // How long the drivers' station search reuses what it loaded (the stations' points, and per
        // station its row, tariff, chargers and their live availability): service/station_directory.
        std::int64_t directory_ttl_ms = 1000;
    } server;
    struct Database {
        std::string url = "sqlite:var/kilowatt.db";
        std::int64_t pool_size = 8;             // MySQL: connections; SQLite: one writer + this many readers
    } database;
    struct Redis {
        std::string host = "127.0.0.1";
        std::int64_t port = 6379;
        std::string socket;                     // a Unix socket path: used instead of host:port when set
        std::string password;
        std::int64_t db = 0;
        std::string prefix = "kw:";
        std::int64_t pool_size = 8;
    } redis;
    struct Mqtt {
        std::string host = "127.0.0.1";
        std::int64_t port = 1883;
        std::string username = "kilowatt";
        std::string password;
        std::string client_id;                  // empty: kilowatt-<instance_id>
        std::int64_t protocol = 5;              // 5 or 4 (3.1.1)
        // MQTT 5: charger messages of QoS 1 the broker may have in flight to this instance. The
        // server acknowledges each as it reads it and queues it for the device workers.
        std::int64_t receive_maximum = 1000;
        std::string share_group = "kilowatt";
        std::string broker = "mosquitto";       // mosquitto (dynamic-security) | emqx (HTTP hooks) | none
        std::string hook_secret;                // EMQX HTTP auth hooks: shared secret header
        // The OCPP edge's own account (kilowatt-ocpp --pending-unknown): announces the charge points
        // waiting for approval and hears approvals. Empty password: no such account.
        std::string edge_username = "kw-ocpp-edge";
        std::string edge_password;
    } mqtt;
    struct Auth {
        std::int64_t driver_token_ttl_s = 30 * 24 * 3600;
        std::int64_t staff_token_ttl_s = 12 * 3600;
        std::string bootstrap_admin;            // "login:password": created if no employee exists yet
        std::int64_t password_workers = 2;      // threads hashing passwords (argon2id, 19 MiB each)
        std::int64_t ws_ticket_ttl_s = 30;      // a WebSocket ticket works once, within this time
        std::int64_t status_cache_ms = 5000;    // how long an account's enabled/role check is reused
        std::int64_t session_cache_ms = 5000;   // how long a token's Redis record is reused (0: off)
    } auth;
    struct Limits {                             // throttling (Redis counters), see docs/security.md
        std::int64_t login_free_failures = 5;   // per account: failures before delays start
        std::int64_t ip_free_failures = 20;     // per client address
        std::int64_t login_max_delay_s = 900;   // delays double per failure up to this
        std::int64_t login_window_s = 900;      // failures are forgotten after this long without one
        std::int64_t sms_per_phone_per_hour = 5;
        std::int64_t sms_per_ip_per_hour = 30;
        std::int64_t register_per_ip_per_hour = 30;
        std::int64_t topups_per_driver_per_hour = 20;
    } limits;
    struct Orders {
        std::int64_t start_timeout_s = 30;      // no ack/started by then: cancelled, no charge
        std::int64_t stop_timeout_s = 60;       // no ended by then: settled at the last meter value
        std::int64_t min_balance_fen = 500;     // needed to start
        std::int64_t offline_settle_s = 600;    // charger offline that long: settle at last meter
        std::int64_t persist_interval_s = 60;   // a billing sample is written at least this often
        std::int64_t balance_lookahead_s = 60;  // stop when the next N s at current power would pass the balance
        std::int64_t heartbeat_s = 30;          // told to chargers at boot
        std::int64_t meter_interval_s = 10;     // told to chargers at boot: seconds between meter samples
        std::int64_t missed_heartbeats = 3;     // offline after that many
        std::int64_t sweep_interval_ms = 1000;  // timeouts, schedules, presence
    } orders;
    struct Payments {
        bool sandbox = false;                   // built-in sandbox provider (free money!): dev and demo only
        bool sandbox_allow_mysql = false;       // the sandbox on a MySQL database must be asked for explicitly
        std::string sandbox_secret;             // signs sandbox payments; empty: derived from the server secret
    } payments;
    struct Sms {
        bool sandbox = false;                   // built-in sandbox provider: codes go to a file and the log
        std::string sandbox_outbox;             // file the sandbox appends {"phone","code",...} lines to
        std::int64_t code_ttl_s = 300;
        std::int64_t resend_s = 60;
        std::int64_t max_attempts = 5;          // wrong codes before the code is burnt
    } sms;
    struct Log {
        std::string level = "info";
    } log;
    struct Demo {
        bool seed = false;                      // seed demo data; turns payments.sandbox and sms.sandbox on
        std::string chargers_csv;               // where to write the demo chargers' credentials
        bool allow_mysql = false;               // seed a MySQL/MariaDB database too (normally refused)
    } demo;
};

// Loads config: path may be empty (no file). args are argv without argv[0]; env is the process env.
Config load_config(const std::string& toml_path, const std::vector<std::string>& flag_overrides,
                   char** envp);

// Sets one key ("server.port") from text, validating it. Throws kw::Error naming the key.
void set_config_value(Config& config, const std::string& key, const std::string& value);

// Checks cross-field rules (ports in range, known enums, ...). Throws kw::Error naming the key.
void validate_config(const Config& config);

// Every key, for docs and --help: {"server.port", "8080"}.
std::vector<std::pair<std::string, std::string>> config_keys(const Config& defaults);

}  // namespace kw::app
