// kilowatt-ocpp: the OCPP edge (docs/ocpp.md). Parses the command line and wires the edge, the
// worker threads and the signals; nothing else.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <cstdlib>
#include <thread>
#include <vector>

#include "edge.hpp"

int main(int argc, char** argv) {
    CLI::App app{"kilowatt-ocpp: OCPP-J charge points to Kilowatt over the MQTT broker"};
    kw::ocpp::EdgeConfig config;
    std::string log_level = "info";
    int threads = 1;
    app.add_option("--address", config.address, "listen address")->capture_default_str();
    app.add_option("--port", config.port, "listen port (ws://<address>:<port>/ocpp/<chargeBoxId>)")
        ->capture_default_str()
        ->check(CLI::Range(0, 65535));
    app.add_option("--broker-host", config.broker_host, "MQTT broker host")->capture_default_str();
    app.add_option("--broker-port", config.broker_port, "MQTT broker port")
        ->capture_default_str()
        ->check(CLI::Range(1, 65535));
    app.add_option("--ping-idle", config.ping_idle_s, "seconds without a frame before a WebSocket ping")
        ->capture_default_str()
        ->check(CLI::Range(5, 3600));
    app.add_option("--boot-answer-ms", config.station.boot_answer_ms,
                   "BootNotification answered Pending when the core takes longer (1.6 and 2.0.1)")
        ->capture_default_str()
        ->check(CLI::Range(100, 60000));
    app.add_option("--stop-answer-ms", config.station.stop_answer_ms,
                   "StopTransaction (2.0.1: TransactionEvent Ended) answered with an error (sent again by the "
                   "station) when not stored sooner")
        ->capture_default_str()
        ->check(CLI::Range(100, 120000));
    app.add_option("--tls-cert", config.tls_cert, "PEM certificate (chain): serve wss:// (security profile 2)")
        ->check(CLI::ExistingFile);
    app.add_option("--tls-key", config.tls_key, "PEM private key of --tls-cert")->check(CLI::ExistingFile);
    app.add_flag("--pending-unknown", config.pending_unknown,
                 "hold unknown charge points for the operator's approval instead of refusing them "
                 "(the edge's broker password in KW_MQTT_EDGE_PASSWORD)");
    app.add_option("--edge-user", config.edge_username, "the edge's own broker account (--pending-unknown)")
        ->capture_default_str();
    app.add_option("--pending-interval", config.pending_interval_s,
                   "seconds between the BootNotifications of a charge point waiting for approval")
        ->capture_default_str()
        ->check(CLI::Range(10, 3600));
    app.add_option("--threads", threads, "I/O threads")->capture_default_str()->check(CLI::Range(1, 64));
    app.add_option("--log-level", log_level, "trace, debug, info, warn, error")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    // The same deadlines for 2.0.1 stations (BootNotification; TransactionEvent Ended as StopTransaction).
    config.station201.boot_answer_ms = config.station.boot_answer_ms;
    config.station201.ended_answer_ms = config.station.stop_answer_ms;
    if (config.tls_cert.empty() != config.tls_key.empty()) {
        std::fprintf(stderr, "--tls-cert and --tls-key go together\n");
        return 2;
    }
    // Secrets come from the environment, never the command line (ps shows it).
    if (const char* pw = std::getenv("KW_MQTT_EDGE_PASSWORD")) config.edge_password = pw;
    spdlog::set_level(spdlog::level::from_str(log_level));
    std::signal(SIGPIPE, SIG_IGN);

    boost::asio::io_context io(threads);
    kw::ocpp::Edge edge(io, config);
    try {
        edge.start();
    } catch (const std::exception& e) {
        spdlog::critical("event=ocpp_start_failed error=\"{}\"", e.what());
        return 1;
    }
    // Printed for the scripts and tests that start it on port 0.
    std::printf("kilowatt-ocpp listening on %s:%d\n", config.address.c_str(), edge.port());
    std::fflush(stdout);

    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
        if (ec) return;
        spdlog::info("event=ocpp_stopping stations={}", edge.stations());
        edge.stop();
        // The closes go out, then the loop ends.
        auto timer = std::make_shared<boost::asio::steady_timer>(io, std::chrono::seconds(2));
        timer->async_wait([&io, timer](const boost::system::error_code&) { io.stop(); });
    });
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
    io.run();
    for (auto& t : pool) t.join();
    return 0;
}
