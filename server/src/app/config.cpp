#include "app/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <variant>

#include "domain/error.hpp"

namespace kw::app {

namespace {


// Every key: name -> pointer to the member of the member. Nested structs are reached through
// accessor lambdas so the table stays one list.
struct Key {
    std::function<std::string&(Config&)> str;
    std::function<std::int64_t&(Config&)> num;
    std::function<bool&(Config&)> flag;
};

#define KW_S(section, name) {#section "." #name, Key{[](Config& c) -> std::string& { return c.section.name; }, {}, {}}}
#define KW_I(section, name) {#section "." #name, Key{{}, [](Config& c) -> std::int64_t& { return c.section.name; }, {}}}
#define KW_B(section, name) {#section "." #name, Key{{}, {}, [](Config& c) -> bool& { return c.section.name; }}}

const std::map<std::string, Key>& keys() {
    static const std::map<std::string, Key> table = {
        KW_S(server, address), KW_I(server, port), KW_I(server, workers), KW_I(server, device_workers), KW_I(server, io_threads),
        KW_I(server, body_limit), KW_I(server, shutdown_grace_s), KW_S(server, public_url),
        KW_S(server, admin_root), KW_S(server, app_root), KW_S(server, instance_id), KW_B(server, cluster),
        KW_B(server, trust_proxy), KW_S(server, metrics_token), KW_I(server, directory_ttl_ms),
        KW_S(database, url), KW_I(database, pool_size),
        KW_S(redis, host), KW_I(redis, port), KW_S(redis, socket), KW_S(redis, password), KW_I(redis, db),
        KW_S(redis, prefix),
        KW_I(redis, pool_size),
        KW_S(mqtt, host), KW_I(mqtt, port), KW_S(mqtt, username), KW_S(mqtt, password),
        KW_S(mqtt, client_id), KW_I(mqtt, protocol), KW_I(mqtt, receive_maximum), KW_S(mqtt, share_group), KW_S(mqtt, broker),
        KW_S(mqtt, hook_secret), KW_S(mqtt, edge_username), KW_S(mqtt, edge_password),
        KW_I(auth, driver_token_ttl_s), KW_I(auth, staff_token_ttl_s), KW_S(auth, bootstrap_admin),
        KW_I(auth, password_workers), KW_I(auth, ws_ticket_ttl_s), KW_I(auth, status_cache_ms),
        KW_I(auth, session_cache_ms),
        KW_I(limits, login_free_failures), KW_I(limits, ip_free_failures), KW_I(limits, login_max_delay_s),
        KW_I(limits, login_window_s), KW_I(limits, sms_per_phone_per_hour), KW_I(limits, sms_per_ip_per_hour),
        KW_I(limits, register_per_ip_per_hour), KW_I(limits, topups_per_driver_per_hour),
        KW_I(orders, start_timeout_s), KW_I(orders, stop_timeout_s), KW_I(orders, min_balance_fen),
        KW_I(orders, offline_settle_s), KW_I(orders, persist_interval_s),
        KW_I(orders, balance_lookahead_s), KW_I(orders, heartbeat_s), KW_I(orders, meter_interval_s), KW_I(orders, missed_heartbeats),
        KW_I(orders, sweep_interval_ms),
        KW_B(payments, sandbox), KW_B(payments, sandbox_allow_mysql), KW_S(payments, sandbox_secret),
        KW_B(sms, sandbox), KW_S(sms, sandbox_outbox), KW_I(sms, code_ttl_s), KW_I(sms, resend_s),
        KW_I(sms, max_attempts),
        KW_S(log, level),
        KW_B(demo, seed), KW_S(demo, chargers_csv), KW_B(demo, allow_mysql),
    };
    return table;
}

#undef KW_S
#undef KW_I
#undef KW_B

[[noreturn]] void bad(const std::string& key, const std::string& why) {
    throw Error(Errc::bad_request, "config key '" + key + "': " + why);
}

void set_from_toml(Config& config, const std::string& key, const toml::node& node) {
    auto it = keys().find(key);
    if (it == keys().end()) bad(key, "unknown key");
    const Key& k = it->second;
    if (k.str) {
        if (!node.is_string()) bad(key, "must be a string");
        k.str(config) = *node.value<std::string>();
    } else if (k.num) {
        if (!node.is_integer()) bad(key, "must be an integer");
        k.num(config) = *node.value<std::int64_t>();
    } else {
        if (!node.is_boolean()) bad(key, "must be true or false");
        k.flag(config) = *node.value<bool>();
    }
}

void range(const std::string& key, std::int64_t v, std::int64_t lo, std::int64_t hi) {
    if (v < lo || v > hi) bad(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
}

}  // namespace

void set_config_value(Config& config, const std::string& key, const std::string& value) {
    auto it = keys().find(key);
    if (it == keys().end()) bad(key, "unknown key");
    const Key& k = it->second;
    if (k.str) {
        k.str(config) = value;
    } else if (k.num) {
        std::int64_t v = 0;
        auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        if (ec != std::errc() || ptr != value.data() + value.size()) bad(key, "must be an integer, got '" + value + "'");
        k.num(config) = v;
    } else {
        if (value == "true" || value == "1" || value == "yes") k.flag(config) = true;
        else if (value == "false" || value == "0" || value == "no") k.flag(config) = false;
        else bad(key, "must be true or false, got '" + value + "'");
    }
}

void validate_config(const Config& c) {
    range("server.port", c.server.port, 0, 65535);
    range("server.workers", c.server.workers, 1, 256);
    range("server.device_workers", c.server.device_workers, 1, 256);
    range("server.io_threads", c.server.io_threads, 1, 64);
    range("server.body_limit", c.server.body_limit, 1024, 16 * 1024 * 1024);
    range("server.shutdown_grace_s", c.server.shutdown_grace_s, 0, 300);
    range("server.directory_ttl_ms", c.server.directory_ttl_ms, 0, 60'000);
    // A scraper's secret: a short one is guessable, and whitespace would never match a header value.
    if (!c.server.metrics_token.empty() &&
        (c.server.metrics_token.size() < 16 || c.server.metrics_token.find_first_of(" \t\r\n") != std::string::npos))
        bad("server.metrics_token", "must be empty (off) or at least 16 characters without spaces");
    if (c.database.url.rfind("sqlite:", 0) != 0 && c.database.url.rfind("mysql://", 0) != 0)
        bad("database.url", "must start with sqlite: or mysql://");
    range("database.pool_size", c.database.pool_size, 1, 256);
    range("redis.port", c.redis.port, 1, 65535);
    range("redis.db", c.redis.db, 0, 15);
    range("redis.pool_size", c.redis.pool_size, 1, 256);
    range("mqtt.port", c.mqtt.port, 1, 65535);
    range("mqtt.receive_maximum", c.mqtt.receive_maximum, 1, 65535);
    if (c.mqtt.protocol != 4 && c.mqtt.protocol != 5) bad("mqtt.protocol", "must be 5 or 4 (MQTT 3.1.1)");
    if (c.mqtt.broker != "mosquitto" && c.mqtt.broker != "emqx" && c.mqtt.broker != "none")
        bad("mqtt.broker", "must be mosquitto, emqx or none");
    if (!c.mqtt.edge_password.empty() && c.mqtt.edge_password.size() < 16)
        bad("mqtt.edge_password", "must be empty (no OCPP edge account) or at least 16 characters");
    if (c.mqtt.edge_username.empty() || c.mqtt.edge_username == c.mqtt.username)
        bad("mqtt.edge_username", "must be non-empty and differ from mqtt.username");
    if (c.mqtt.share_group.empty() || c.mqtt.share_group.find_first_of("/+#") != std::string::npos)
        bad("mqtt.share_group", "must be a non-empty name without / + #");
    range("auth.driver_token_ttl_s", c.auth.driver_token_ttl_s, 60, 365LL * 24 * 3600);
    range("auth.staff_token_ttl_s", c.auth.staff_token_ttl_s, 60, 30LL * 24 * 3600);
    range("orders.start_timeout_s", c.orders.start_timeout_s, 1, 600);
    range("orders.stop_timeout_s", c.orders.stop_timeout_s, 1, 3600);
    range("orders.min_balance_fen", c.orders.min_balance_fen, 0, 10'000'000);
    range("orders.offline_settle_s", c.orders.offline_settle_s, 1, 7 * 24 * 3600);
    range("orders.persist_interval_s", c.orders.persist_interval_s, 1, 3600);
    range("orders.balance_lookahead_s", c.orders.balance_lookahead_s, 0, 3600);
    range("orders.heartbeat_s", c.orders.heartbeat_s, 1, 3600);
    range("orders.meter_interval_s", c.orders.meter_interval_s, 1, 3600);
    range("orders.missed_heartbeats", c.orders.missed_heartbeats, 1, 100);
    range("orders.sweep_interval_ms", c.orders.sweep_interval_ms, 50, 60'000);
    range("auth.password_workers", c.auth.password_workers, 1, 64);
    range("auth.ws_ticket_ttl_s", c.auth.ws_ticket_ttl_s, 5, 600);
    range("auth.status_cache_ms", c.auth.status_cache_ms, 0, 60'000);
    range("auth.session_cache_ms", c.auth.session_cache_ms, 0, 60'000);
    range("limits.login_free_failures", c.limits.login_free_failures, 1, 1000);
    range("limits.ip_free_failures", c.limits.ip_free_failures, 1, 100'000);
    range("limits.login_max_delay_s", c.limits.login_max_delay_s, 1, 86'400);
    range("limits.login_window_s", c.limits.login_window_s, 60, 86'400);
    range("limits.sms_per_phone_per_hour", c.limits.sms_per_phone_per_hour, 1, 1'000'000);
    range("limits.sms_per_ip_per_hour", c.limits.sms_per_ip_per_hour, 1, 1'000'000);
    range("limits.register_per_ip_per_hour", c.limits.register_per_ip_per_hour, 1, 1'000'000);
    range("limits.topups_per_driver_per_hour", c.limits.topups_per_driver_per_hour, 1, 100'000);
    range("sms.code_ttl_s", c.sms.code_ttl_s, 30, 3600);
    range("sms.resend_s", c.sms.resend_s, 0, 3600);
    range("sms.max_attempts", c.sms.max_attempts, 1, 20);
    // Free money on a production database must be asked for by name, never reached by a default.
    if (c.payments.sandbox && c.database.url.rfind("mysql://", 0) == 0 && !c.payments.sandbox_allow_mysql)
        bad("payments.sandbox", "the sandbox payment provider is refused on a MySQL database unless "
                                "payments.sandbox_allow_mysql = true (test installations only)");
    static const std::vector<std::string> levels = {"trace", "debug", "info", "warn", "error", "critical", "off"};
    if (std::find(levels.begin(), levels.end(), c.log.level) == levels.end())
        bad("log.level", "must be one of trace, debug, info, warn, error, critical, off");
}

Config load_config(const std::string& toml_path, const std::vector<std::string>& flag_overrides, char** envp) {
    Config config;
    if (!toml_path.empty()) {
        toml::table root;
        try {
            root = toml::parse_file(toml_path);
        } catch (const toml::parse_error& e) {
            throw Error(Errc::bad_request, "config file " + toml_path + ": " + std::string(e.description()) +
                                               " at line " + std::to_string(e.source().begin.line));
        }
        for (auto&& [section, node] : root) {
            const std::string name(section.str());
            const toml::table* table = node.as_table();
            if (!table) bad(name, "must be a [section]");
            for (auto&& [key, value] : *table) set_from_toml(config, name + "." + std::string(key.str()), value);
        }
    }
    // Environment: KW_SERVER_PORT=8081 -> server.port. Only KW_<SECTION>_<KEY> names of known keys.
    for (char** e = envp; e && *e; ++e) {
        std::string entry(*e);
        if (entry.rfind("KW_", 0) != 0) continue;
        auto eq = entry.find('=');
        std::string name = entry.substr(3, eq - 3), value = entry.substr(eq + 1);
        std::transform(name.begin(), name.end(), name.begin(), ::tolower);
        auto us = name.find('_');
        if (us == std::string::npos) continue;
        std::string key = name.substr(0, us) + "." + name.substr(us + 1);
        // KW_<section>_... of a section we do not have belongs to something else (e.g. test tools);
        // within our sections an unknown key is a typo and stops the start.
        const std::string section = name.substr(0, us) + ".";
        const bool our_section = std::any_of(keys().begin(), keys().end(),
                                             [&](const auto& k) { return k.first.rfind(section, 0) == 0; });
        if (!our_section) continue;
        if (keys().count(key) == 0) bad("KW_" + entry.substr(3, eq - 3), "unknown environment key");
        set_config_value(config, key, value);
    }
    for (const std::string& kv : flag_overrides) {
        auto eq = kv.find('=');
        if (eq == std::string::npos) bad(kv, "flag must be --key=value");
        set_config_value(config, kv.substr(0, eq), kv.substr(eq + 1));
    }
    // A demo installation pays and verifies phones in the sandboxes; nothing else turns them on.
    if (config.demo.seed) {
        config.payments.sandbox = true;
        config.sms.sandbox = true;
    }
    validate_config(config);
    return config;
}

std::vector<std::pair<std::string, std::string>> config_keys(const Config& defaults) {
    Config copy = defaults;
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [name, k] : keys()) {
        if (k.str) out.emplace_back(name, k.str(copy));
        else if (k.num) out.emplace_back(name, std::to_string(k.num(copy)));
        else out.emplace_back(name, k.flag(copy) ? "true" : "false");
    }
    return out;
}

}  // namespace kw::app
