// kilowatt: builds and wires everything; nothing else.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <thread>
#include <unistd.h>

#include "app/config.hpp"
#include "app/context.hpp"
#include "device/mqtt/client.hpp"
#include "device/mqtt/dynsec.hpp"
#include "device/mqtt/inbox.hpp"
#include "device/mqtt/mqtt_commands.hpp"
#include "device/mqtt/topics.hpp"
#include "domain/error.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "live/redis.hpp"
#include "metrics/registry.hpp"
#include "metrics/server_metrics.hpp"
#include "service/accounts.hpp"
#include "service/auth.hpp"
#include "service/channels.hpp"
#include "service/account_rules.hpp"
#include "service/demo.hpp"
#include "service/live_counts.hpp"
#include "service/live_record.hpp"
#include "service/password_pool.hpp"
#include "service/running_view.hpp"
#include "service/sandbox_payments.hpp"
#include "service/session_cache.hpp"
#include "service/sms.hpp"
#include "service/status_cache.hpp"
#include "service/sweeper.hpp"
#include "service/station_directory.hpp"
#include "service/tariff_cache.hpp"
#include "store/backup.hpp"
#include "store/db.hpp"
#include "store/secrets_repo.hpp"
#include "ws/cluster_push.hpp"
#include "ws/hub.hpp"

extern char** environ;

namespace {

struct Args {
    std::string config_path;
    std::vector<std::string> overrides;  // "section.key=value"
    std::string backup_to;               // `kilowatt backup --to FILE`: copy the database, do not serve
};

Args parse_args(int argc, char** argv) {
    CLI::App cli("kilowatt: EV charging platform server");
    Args args;
    std::string db, port;
    bool demo = false;
    cli.add_option("-c,--config", args.config_path, "TOML config file");
    cli.add_option("--db", db, "database: sqlite:PATH or mysql://user:pass@host:port/db");
    cli.add_option("--port", port, "HTTP port (server.port)");
    cli.add_flag("--demo", demo, "seed demo data into an empty database (demo.seed)");
    cli.allow_extras();
    cli.fallthrough();  // the options above also after "backup"
    CLI::App* backup = cli.add_subcommand(
        "backup", "Write a consistent copy of the SQLite database (database.url) to FILE while servers run; "
                  "MariaDB/MySQL: mariadb-dump --single-transaction (docs/operations.md, Backups)");
    backup->add_option("--to", args.backup_to, "the backup file (written whole or not at all)")->required();
    backup->allow_extras();
    cli.footer("Any config key can be set as --section.key=value, e.g. --orders.start_timeout_s=15,\n"
               "or as environment variable KW_SECTION_KEY. See docs/operations.md.");
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        std::exit(cli.exit(e));
    }
    for (const std::string& extra : cli.remaining(true)) {
        if (extra.rfind("--", 0) != 0 || extra.find('=') == std::string::npos)
            throw kw::Error(kw::Errc::bad_request, "unknown argument '" + extra + "' (use --section.key=value)");
        args.overrides.push_back(extra.substr(2));
    }
    if (!db.empty()) args.overrides.push_back("database.url=" + db);
    if (!port.empty()) args.overrides.push_back("server.port=" + port);
    if (demo) args.overrides.push_back("demo.seed=true");
    return args;
}

std::string instance_id(const kw::app::Config& config) {
    if (!config.server.instance_id.empty()) return config.server.instance_id;
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    return std::string(host) + "-" + std::to_string(getpid());
}

int run(const kw::app::Config& config) {
    namespace net = boost::asio;
    const std::string instance = instance_id(config);
    spdlog::info("event=starting instance={} http={}:{} db={}", instance, config.server.address, config.server.port,
                 config.database.url.substr(0, config.database.url.find(':')));

    net::io_context io(static_cast<int>(config.server.io_threads));
    // HTTP handlers and charger messages run on separate pools: a burst of requests (logins hashing
    // passwords, slow reports) never delays billing, and the other way round.
    net::thread_pool workers(static_cast<std::size_t>(config.server.workers));
    net::thread_pool device_workers(static_cast<std::size_t>(config.server.device_workers));

    // Declared first so it outlives everything that records into it (docs/metrics.md).
    kw::metrics::Registry registry;
    kw::metrics::BackendMetrics backend_metrics(registry);
    kw::metrics::DeviceMetrics device_metrics(registry);
    std::vector<std::pair<std::string, std::string>> route_names;
    for (const kw::http::Route& route : kw::http::routes()) route_names.emplace_back(route.method, route.pattern);
    kw::metrics::HttpMetrics http_metrics(registry, route_names);

    kw::SystemClock clock;
    kw::store::Db db({config.database.url, static_cast<int>(config.database.pool_size), &backend_metrics.sql_wait,
                      &backend_metrics.sql_session, &backend_metrics.sql_read_wait, &backend_metrics.sql_read_session});
    const int applied = db.migrate();
    spdlog::info("event=migrations_done applied={}", applied);
    const std::string token_key = [&db] {
        auto s = db.session();
        return kw::store::ensure_secret(*s, "token_hmac", kw::service::random_hex(32));
    }();
    kw::live::RedisConfig redis_config;
    redis_config.host = config.redis.host;
    redis_config.port = static_cast<int>(config.redis.port);
    redis_config.socket = config.redis.socket;
    redis_config.password = config.redis.password;
    redis_config.db = static_cast<int>(config.redis.db);
    redis_config.pool_size = static_cast<int>(config.redis.pool_size);
    redis_config.command_seconds = &backend_metrics.redis_command;
    kw::live::Redis redis(redis_config);
    kw::ws::Hub hub(io.get_executor());
    std::unique_ptr<kw::ws::ClusterPush> cluster;
    if (config.server.cluster) {
        cluster = std::make_unique<kw::ws::ClusterPush>(io.get_executor(), redis, redis_config, config.redis.prefix, hub);
        cluster->start();
    }
    kw::ws::Push& push = cluster ? static_cast<kw::ws::Push&>(*cluster) : hub;
    kw::service::TariffCache tariffs;
    // A single instance sees every revocation itself; in a cluster the cache waits for the subscription.
    kw::service::SessionCache sessions(config.auth.session_cache_ms, !config.server.cluster);
    // In a cluster an admin's tariff edit or a revoked session on any instance drops what this
    // instance cached; when the subscription is down, invalidations may be lost: drop everything.
    std::unique_ptr<kw::live::RedisSubscriber> cache_events;
    if (config.server.cluster) {
        const std::string tariffs_channel = kw::service::tariffs_channel(config.redis.prefix);
        const std::string revoked_channel = kw::service::revoked_channel(config.redis.prefix);
        cache_events = std::make_unique<kw::live::RedisSubscriber>(io.get_executor(), redis_config);
        cache_events->on_message([&, tariffs_channel](const std::string& channel, const std::string& payload) {
            if (channel == tariffs_channel) kw::service::on_tariffs_changed(tariffs, payload);
            else kw::service::on_sessions_revoked(sessions, payload);
        });
        cache_events->on_state([&](bool subscribed) {
            spdlog::info("event=cache_invalidations subscribed={}", subscribed);
            sessions.set_live(subscribed);
            if (!subscribed) tariffs.invalidate(std::nullopt);
        });
        cache_events->subscribe(tariffs_channel);
        cache_events->subscribe(revoked_channel);
        cache_events->start();
    }

    kw::mqtt::Options mqtt_options;
    mqtt_options.host = config.mqtt.host;
    mqtt_options.port = static_cast<int>(config.mqtt.port);
    mqtt_options.username = config.mqtt.username;
    mqtt_options.password = config.mqtt.password;
    mqtt_options.client_id = config.mqtt.client_id.empty() ? "kilowatt-" + instance : config.mqtt.client_id;
    mqtt_options.protocol_version = static_cast<int>(config.mqtt.protocol);
    mqtt_options.max_queued = 100000;
    mqtt_options.receive_maximum = static_cast<int>(config.mqtt.receive_maximum);
    kw::mqtt::MqttClient mqtt(io.get_executor(), mqtt_options);
    kw::device::mqtt::MqttCommands commands(mqtt);
    std::unique_ptr<kw::device::BrokerAccounts> accounts;
    kw::device::mqtt::DynsecAccounts* dynsec = nullptr;
    if (config.mqtt.broker == "mosquitto") {
        auto d = std::make_unique<kw::device::mqtt::DynsecAccounts>(mqtt);
        dynsec = d.get();
        accounts = std::move(d);
    } else {
        accounts = std::make_unique<kw::device::mqtt::NoBrokerAccounts>();
    }
    std::unique_ptr<kw::service::PaymentProvider> payments;
    if (config.payments.sandbox) {
        spdlog::warn("event=sandbox_payments_on note=\"any driver can top up for free: development and demo only\"");
        payments = std::make_unique<kw::service::SandboxPayments>(
            config.payments.sandbox_secret.empty() ? kw::service::hmac_sha256_hex(token_key, "sandbox-payments")
                                                   : config.payments.sandbox_secret);
    } else {
        payments = std::make_unique<kw::service::NoPayments>();
    }
    std::unique_ptr<kw::service::SmsProvider> sms;
    if (config.sms.sandbox) {
        spdlog::warn("event=sandbox_sms_on outbox={} note=\"codes are written, not sent: development and demo only\"",
                     config.sms.sandbox_outbox.empty() ? "-" : config.sms.sandbox_outbox);
        sms = std::make_unique<kw::service::SandboxSms>(config.sms.sandbox_outbox, clock);
    } else {
        sms = std::make_unique<kw::service::NoSms>();
    }
    kw::service::PasswordPool passwords(static_cast<int>(config.auth.password_workers), 64);
    kw::service::StatusCache account_status(config.auth.status_cache_ms);
    kw::service::StationDirectory station_directory(config.server.directory_ttl_ms);
    // A single instance writes every running state itself; in a cluster another instance may have.
    kw::service::RunningView running_view(!config.server.cluster);
    kw::app::Context ctx{config,   clock, db,        redis,          push,     commands, *accounts, *payments,
                         *sms, passwords, account_status, sessions, token_key, tariffs, station_directory,
                         running_view};

    // Read at scrape time, on an HTTP worker: state kept elsewhere, so nothing to update on the hot path.
    registry.gauge_callback("kw_password_queue_depth", "Password hashing jobs queued or running",
                            [&passwords] { return static_cast<double>(passwords.waiting()); });
    registry.gauge_callback("kw_chargers_online", "Chargers seen within the heartbeat window (whole network)",
                            [&ctx] { return static_cast<double>(kw::service::chargers_online(ctx)); });
    registry.gauge_callback("kw_running_view_entries", "Running sessions whose live figures this instance keeps",
                            [&running_view] { return static_cast<double>(running_view.size()); });
    registry.gauge_callback("kw_sessions_active", "Orders starting, charging or stopping (whole network)",
                            [&ctx] { return static_cast<double>(kw::service::sessions_active(ctx)); });

    kw::device::mqtt::Inbox inbox(ctx, device_metrics, device_workers.get_executor(), [dynsec](const kw::mqtt::Message& m) {
        if (dynsec && m.topic == kw::device::mqtt::kDynsecResponseTopic) dynsec->on_response(m);
    });
    mqtt.on_message([&inbox](const kw::mqtt::Message& m) { inbox.on_message(m); });
    for (const std::string& topic : kw::device::mqtt::server_subscriptions(config.mqtt.share_group))
        mqtt.subscribe(topic, 1);
    if (dynsec) mqtt.subscribe(kw::device::mqtt::kDynsecResponseTopic, 1);
    std::atomic<bool> broker_ready{dynsec == nullptr};
    mqtt.on_connected([&] {
        spdlog::info("event=mqtt_connected host={}:{}", config.mqtt.host, config.mqtt.port);
        if (!dynsec) return;
        net::post(device_workers, [&] {
            try {
                dynsec->setup(config.mqtt.username);
                if (!config.mqtt.edge_password.empty())
                    dynsec->setup_edge(config.mqtt.edge_username, config.mqtt.edge_password);
                broker_ready = true;
                spdlog::info("event=broker_accounts_ready");
            } catch (const std::exception& e) {
                // Expected once on a fresh broker: giving our own account its role makes Mosquitto
                // drop our connection; setup runs again after the reconnect.
                spdlog::warn("event=broker_setup_retry error=\"{}\"", e.what());
            }
        });
    });
    mqtt.on_disconnected([](int rc) {
        if (rc != 0) spdlog::warn("event=mqtt_disconnected rc={} error=\"{}\"", rc, kw::mqtt::error_string(rc));
    });
    mqtt.start();

    if (!config.auth.bootstrap_admin.empty()) kw::service::bootstrap_admin(ctx, config.auth.bootstrap_admin);
    try {
        kw::service::start_presence_tracking(ctx);
    } catch (const std::exception& e) {
        spdlog::warn("event=presence_tracking_deferred error=\"{}\"", e.what());
    }

    kw::http::ServerConfig http_config;
    http_config.address = config.server.address;
    http_config.port = static_cast<int>(config.server.port);
    http_config.body_limit = static_cast<std::size_t>(config.server.body_limit);
    http_config.admin_root = config.server.admin_root;
    http_config.app_root = config.server.app_root;
    http_config.metrics_token = config.server.metrics_token;
    http_config.metrics_text = [&registry] { return registry.render(); };
    http_config.metrics = &http_metrics;
    http_config.readiness = [&]() -> std::pair<bool, std::string> {
        const bool database = db.ping();
        bool cache = false;
        try {
            cache = redis.command({"PING"}).str == "PONG";
        } catch (const std::exception&) {
        }
        const bool broker = mqtt.connected() && broker_ready;
        const bool ready = database && cache && broker;
        auto state = [](bool ok) { return ok ? "ok" : "down"; };
        return {ready, fmt::format(R"({{"status":"{}","checks":{{"database":"{}","redis":"{}","broker":"{}"}}}})",
                                   ready ? "ready" : "not_ready", state(database), state(cache), state(broker))};
    };
    kw::http::WsCallbacks ws;
    ws.authenticate = [&ctx](const std::string& ticket,
                             const std::string& bearer) -> std::optional<kw::http::WsIdentity> {
        std::optional<std::string> session =
            ticket.empty() ? std::optional(kw::service::session_id(bearer)) : kw::service::redeem_ws_ticket(ctx, ticket);
        if (!session) return std::nullopt;
        auto who = kw::service::authenticate_session(ctx, *session);
        if (!who) return std::nullopt;
        return kw::http::WsIdentity{*who, *session};
    };
    // Every subscription re-checks the session: a revoked or expired one closes the socket.
    ws.authorize = [&ctx](const kw::http::WsIdentity& identity, const std::string& channel) -> std::string {
        auto who = kw::service::authenticate_session(ctx, identity.session);
        if (!who) return "unauthorized";
        return kw::service::authorize_channel(ctx, *who, channel);
    };
    kw::http::Server server(io, workers.get_executor(), http_config,
                            [&ctx](kw::http::Request& req) { return kw::http::dispatch(ctx, req); }, hub, ws);
    server.start();

    // Demo data needs the broker accounts (chargers get MQTT credentials): seed once they are ready.
    if (config.demo.seed) {
        net::post(device_workers, [&] {
            for (int i = 0; i < 300 && !broker_ready; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
            try {
                kw::service::seed_demo(ctx, config.demo.chargers_csv);
            } catch (const std::exception& e) {
                spdlog::error("event=demo_seed_failed error=\"{}\"", e.what());
            }
        });
    }

    // The sweeper: one pass at a time, on a worker.
    std::atomic<bool> sweeping{false};
    net::steady_timer sweep_timer(io);
    std::function<void()> schedule_sweep = [&] {
        sweep_timer.expires_after(std::chrono::milliseconds(config.orders.sweep_interval_ms));
        sweep_timer.async_wait([&](boost::system::error_code ec) {
            if (ec) return;
            if (!sweeping.exchange(true)) {
                net::post(device_workers, [&] {
                    kw::service::sweep(ctx);
                    sweeping = false;
                });
            }
            schedule_sweep();
        });
    };
    schedule_sweep();

    // Graceful shutdown: stop accepting, let in-flight requests finish (up to the grace period),
    // then close the MQTT session with DISCONNECT, then stop the loop.
    net::signal_set signals(io, SIGINT, SIGTERM);
    std::thread stopper;
    signals.async_wait([&](boost::system::error_code ec, int sig) {
        if (ec) return;
        spdlog::info("event=shutdown signal={}", sig);
        sweep_timer.cancel();
        stopper = std::thread([&] {
            server.stop(std::chrono::seconds(config.server.shutdown_grace_s));
            net::post(io, [&] {
                mqtt.stop();
                if (cluster) cluster->stop();
                if (cache_events) cache_events->stop();
            });
            for (int i = 0; i < 40 && mqtt.connected(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
            io.stop();
        });
    });

    std::vector<std::thread> io_threads;
    for (int i = 1; i < config.server.io_threads; ++i) io_threads.emplace_back([&] { io.run(); });
    io.run();
    for (auto& t : io_threads) t.join();
    if (stopper.joinable()) stopper.join();
    workers.join();
    device_workers.join();
    spdlog::info("event=stopped");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);  // hiredis writes with plain write(): a dropped Redis must not kill us
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
    try {
        const Args args = parse_args(argc, argv);
        const kw::app::Config config = kw::app::load_config(args.config_path, args.overrides, environ);
        spdlog::set_level(spdlog::level::from_str(config.log.level));
        if (!args.backup_to.empty()) {
            try {
                const auto b = kw::store::backup_database(config.database.url, args.backup_to);
                spdlog::info("event=backup_written to={} pages={} bytes={}", args.backup_to, b.pages, b.bytes);
                return 0;
            } catch (const std::exception& e) {
                spdlog::critical("event=backup_failed to={} error=\"{}\"", args.backup_to, e.what());
                return 1;
            }
        }
        return run(config);
    } catch (const kw::Error& e) {
        spdlog::critical("event=start_failed error=\"{}\"", e.what());
        return 2;
    } catch (const std::exception& e) {
        spdlog::critical("event=start_failed error=\"{}\"", e.what());
        return 1;
    }
}
