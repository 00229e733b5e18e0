// kilowatt-sim: simulated chargers speaking kw-mqtt/1 (docs/device-protocol.md) to an MQTT broker,
// or OCPP 1.6J / 2.0.1 (docs/ocpp.md) to a central system such as kilowatt-ocpp.
// Parses the command line and wires the fleet, the control port and the signals; nothing else.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <fstream>
#include <functional>
#include <optional>

#include "charger_spec.hpp"
#include "control.hpp"
#include "fleet.hpp"
#include "ocpp_frames.hpp"
#include "sim_settings.hpp"

namespace {

// Each charger holds 4 descriptors (socket, the dup the MQTT client watches, libmosquitto's socket pair).
// Soft limit up to the hard one; a privileged process may lift the hard limit too (up to fs.nr_open).
void raise_open_files_limit() {
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
    const rlim_t before = rl.rlim_cur;
    constexpr rlim_t kWanted = 262144;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < kWanted) {
        rlim_t nr_open = kWanted;
        if (std::ifstream f("/proc/sys/fs/nr_open"); f) f >> nr_open;
        const rlimit lifted{std::min(kWanted, nr_open), std::min(kWanted, nr_open)};
        if (lifted.rlim_max > rl.rlim_max && setrlimit(RLIMIT_NOFILE, &lifted) == 0) {
            spdlog::info("event=nofile_limit before={} now={}", before, lifted.rlim_cur);
            return;
        }
    }
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
        spdlog::info("event=nofile_limit before={} now={}", before, rl.rlim_cur);
    else
        spdlog::warn("event=nofile_limit_failed current={} max={}", before, rl.rlim_max);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace kw::sim;
    CLI::App app{"kilowatt-sim: simulated EV chargers speaking kw-mqtt/1, OCPP 1.6J or OCPP 2.0.1"};
    SimSettings settings;
    GenerateOptions gen;
    std::string chargers_file;
    std::string log_level = "info";
    std::optional<int> control_port;
    int connect_rate = 500;
    int count = -1;
    std::string protocol = "kw-mqtt";
    std::string energy_unit = "Wh";

    app.add_option("--protocol", protocol,
                   "what every charger speaks: kw-mqtt (to the broker), ocpp1.6 or ocpp2.0.1")
        ->check(CLI::IsMember({"kw-mqtt", "ocpp1.6", "ocpp2.0.1"}))
        ->capture_default_str();
    app.add_option("--ocpp-url", settings.ocpp_url,
                   "ocpp: the central system, ws://host:port/ocpp (a charger connects to <url>/<code>)");
    app.add_option("--ocpp-energy-unit", energy_unit, "ocpp1.6: energy registers in Wh or kWh (3 decimals)")
        ->check(CLI::IsMember({"Wh", "kWh"}))
        ->capture_default_str();
    app.add_option("--ocpp-call-timeout-s", settings.ocpp_call_timeout_s,
                   "ocpp: a CALL without an answer this long failed (transaction messages go again)")
        ->check(CLI::Range(1, 600))
        ->capture_default_str();
    app.add_flag("--ocpp-boot-on-reconnect", settings.ocpp_boot_on_reconnect,
                 "ocpp: BootNotification after every connect (some firmware does), not once per power-up");
    app.add_option("--broker-host", settings.broker_host, "MQTT broker host")->capture_default_str();
    app.add_option("--broker-port", settings.broker_port, "MQTT broker port")->capture_default_str();
    app.add_option("--mqtt-version", settings.mqtt_version, "MQTT protocol: 5 or 4 (3.1.1)")
        ->check(CLI::IsMember({5, 4}))
        ->capture_default_str();
    auto* file_opt = app.add_option("--chargers", chargers_file, "CSV: code,password,kind,connectors,rated_w")
                         ->check(CLI::ExistingFile);
    app.add_option("--count", count, "generate N chargers")
        ->check(CLI::NonNegativeNumber)
        ->excludes(file_opt);
    app.add_option("--first", gen.first, "number of the first generated code (split a fleet over processes)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    app.add_option("--prefix", gen.prefix, "code prefix of generated chargers")->capture_default_str();
    app.add_option("--password", gen.password, "password of generated chargers");
    app.add_option("--kind", gen.kind, "AC | DC | mixed (generated chargers)")->capture_default_str();
    app.add_option("--connectors", gen.connectors, "connectors per generated charger")
        ->check(CLI::Range(1, 16))
        ->capture_default_str();
    app.add_option("--rated-w", gen.rated_w, "rated power of generated chargers (default: AC 7000, DC 60000)")
        ->check(CLI::PositiveNumber);
    app.add_option("--heartbeat-s", settings.heartbeat_override_s,
                   "heartbeat period; default: boot_result.heartbeat_s, else 30")
        ->check(CLI::PositiveNumber);
    app.add_option("--meter-interval", settings.meter_interval_s,
                   "seconds between meter messages while charging")
        ->check(CLI::Range(1, 60))
        ->capture_default_str();
    app.add_option("--speed", settings.speed,
                   "time acceleration of charging (energy per real second x speed)")
        ->check(CLI::Range(0.001, 100000.0))
        ->capture_default_str();
    app.add_option("--battery-wh", settings.battery_wh, "usable battery of the simulated EVs")
        ->check(CLI::Range(1000.0, 1000000.0))
        ->capture_default_str();
    app.add_option("--seed", settings.seed, "seed of energy registers, SoC and noise")->capture_default_str();
    app.add_option("--vendor", settings.vendor, "boot.vendor")->capture_default_str();
    app.add_option("--model", settings.model, "boot.model (default SIM-<kind><kW>)");
    app.add_option("--firmware", settings.firmware, "boot.firmware")->capture_default_str();
    app.add_option("--clock-offset-s", settings.clock_offset_s,
                   "every charger's clock runs this many seconds off the real time (its ts fields)")
        ->check(CLI::Range(-86400 * 366, 86400 * 366))
        ->capture_default_str();
    app.add_option("--connect-rate", connect_rate, "new connections per second")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--control-port", control_port, "line-based control on 127.0.0.1:PORT (0: any free port)")
        ->check(CLI::Range(0, 65535));
    app.add_option("--log-level", log_level, "trace debug info warn error off")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    auto logger = spdlog::stderr_color_mt("sim");
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
    spdlog::set_level(spdlog::level::from_str(log_level));

    settings.protocol = protocol == "ocpp1.6"     ? Protocol::kOcpp16
                        : protocol == "ocpp2.0.1" ? Protocol::kOcpp201
                                                  : Protocol::kKwMqtt;
    settings.ocpp_energy_kwh = energy_unit == "kWh";
    if (settings.protocol == Protocol::kOcpp201 && settings.ocpp_energy_kwh) {
        spdlog::warn("event=option_unused option=--ocpp-energy-unit reason=\"ocpp2.0.1 sends Wh\"");
        settings.ocpp_energy_kwh = false;
        energy_unit = "Wh";
    }
    if (settings.protocol != Protocol::kKwMqtt) {
        try {
            if (settings.ocpp_url.empty())
                throw std::invalid_argument("--protocol " + protocol + " needs --ocpp-url");
            kw::sim::ocpp::parse_central_system_url(settings.ocpp_url);
        } catch (const std::exception& e) {
            spdlog::critical("event=bad_ocpp_url url=\"{}\" error=\"{}\"", settings.ocpp_url, e.what());
            return 2;
        }
        spdlog::info("event=protocol protocol={} url={} energy_unit={}", protocol, settings.ocpp_url,
                     energy_unit);
    } else if (!settings.ocpp_url.empty()) {
        spdlog::warn("event=option_unused option=--ocpp-url reason=\"--protocol is kw-mqtt\"");
    }
    // A peer that closes while a frame is written must not kill the process (Beast writes with send()).
    std::signal(SIGPIPE, SIG_IGN);

    std::vector<ChargerSpec> specs;
    try {
        if (!chargers_file.empty()) {
            std::ifstream in(chargers_file);
            specs = parse_chargers_csv(in);
        } else {
            gen.count = count < 0 ? 1 : count;
            specs = generate_chargers(gen);
        }
    } catch (const std::exception& e) {
        spdlog::critical("event=bad_chargers error=\"{}\"", e.what());
        return 2;
    }
    raise_open_files_limit();
    if (rlimit rl{}; getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
                     rl.rlim_cur < specs.size() + 64)
        spdlog::warn(
            "event=nofile_limit_low limit={} chargers={} needed={} hint=\"ulimit -n or LimitNOFILE\"",
            rl.rlim_cur, specs.size(), specs.size() + 64);

    boost::asio::io_context io{1};
    Fleet fleet(io.get_executor(), std::move(specs), settings, connect_rate);
    std::function<void()> stop_all;
    ControlServer control(io.get_executor(), fleet, [&] { stop_all(); });

    bool stopping = false;
    stop_all = [&] {
        if (stopping) return;
        stopping = true;
        control.stop();
        fleet.shutdown(std::chrono::seconds(5), [&] { io.stop(); });
    };
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code ec, int sig) {
        if (ec) return;
        spdlog::info("event=signal signal={}", sig);
        stop_all();
    });

    if (control_port) {
        try {
            control.start(*control_port);
        } catch (const std::exception& e) {
            spdlog::critical("event=control_listen_failed port={} error=\"{}\"", *control_port, e.what());
            return 2;
        }
    }
    fleet.start();
    io.run();
    spdlog::info("event=exit");
    return 0;
}
