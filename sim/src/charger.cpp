// Charger: the MQTT connection, boot / boot_result, heartbeats, command dispatch and status.
#include "charger.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <stdexcept>

namespace kw::sim {

namespace net = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

// A boot_id must differ at every power-up, also across simulator runs with the same --seed (the
// server detects reboots by it and tx_ids embed it), so it is not drawn from the seeded stream.
std::string new_boot_id() {
    static std::mt19937_64 gen{
        std::random_device{}() ^
        static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count())};
    return fmt::format("{:010x}", gen() & 0xFFFFFFFFFFULL);
}

std::string default_model(const ChargerSpec& s) {
    return fmt::format("SIM-{}{}", kind_name(s.kind), s.rated_w / 1000);
}

}  // namespace

Charger::Charger(net::any_io_executor ex, ChargerSpec spec, const SimSettings& settings)
    : ex_(ex),
      spec_(std::move(spec)),
      settings_(settings),
      rng_(seed_for(settings.seed, spec_.code)),
      boot_id_(new_boot_id()),
      clock_offset_(std::chrono::seconds(settings.clock_offset_s)),
      heartbeat_timer_(ex),
      boot_timer_(ex),
      tick_timer_(ex),
      reboot_timer_(ex) {
    std::uniform_int_distribution<std::int64_t> start_wh(10'000, 5'000'000);
    for (int n = 1; n <= spec_.connectors; ++n) {
        Connector c;
        c.number = n;
        c.energy = EnergyRegister(start_wh(rng_));
        connectors_.push_back(std::move(c));
        finish_timers_.push_back(std::make_unique<net::steady_timer>(ex));
    }
}

Charger::~Charger() = default;

bool Charger::connected() const { return !down_ && link_up(); }

bool Charger::link_up() const { return client_ && client_->connected(); }

bool Charger::charging() const {
    return std::any_of(connectors_.begin(), connectors_.end(), [](const Connector& c) { return c.session; });
}

void Charger::start() {
    if (started_) return;  // also after a kill before the fleet got to this charger: it stays down
    started_ = true;
    connect();
}

void Charger::connect() {
    down_ = false;
    booted_ = false;
    const unsigned gen = ++generation_;
    mqtt::Options o;
    o.host = settings_.broker_host;
    o.port = settings_.broker_port;
    o.client_id = spec_.code;
    o.username = spec_.code;
    o.password = spec_.password;
    o.protocol_version = settings_.mqtt_version;
    o.keepalive_s = 30;
    o.clean_start = true;
    o.will_topic = topic(spec_.code, "state");
    o.will_payload = state_payload(false, "connection_lost");
    o.will_qos = 1;
    o.will_retain = false;
    o.reconnect_min_ms = 1000;
    o.reconnect_max_ms = 10000;
    o.dup_fd = false;  // the simulator runs one io thread: one fd per charger, so 10,000 fit the fd limit
    client_ = std::make_unique<mqtt::MqttClient>(ex_, std::move(o));
    client_->on_connected([this, gen] { on_connected(gen); });
    client_->on_disconnected([this, gen](int rc) { on_disconnected(gen, rc); });
    client_->on_message([this, gen](const mqtt::Message& m) {
        if (gen == generation_) on_message(m);
    });
    client_->subscribe(topic(spec_.code, "cmd"), 1);
    client_->start();
}

void Charger::on_connected(unsigned gen) {
    if (gen != generation_) return;
    spdlog::info("event=charger_connected code={} boot_id={}", spec_.code, boot_id_);
    booted_ = false;
    boot_attempts_ = 0;
    send_boot();
}

void Charger::on_disconnected(unsigned gen, int rc) {
    if (gen != generation_) return;
    if (rc == 0)
        spdlog::info("event=charger_disconnected code={}", spec_.code);
    else
        spdlog::warn("event=charger_disconnected code={} rc={} error=\"{}\"", spec_.code, rc,
                     mqtt::error_string(rc));
    booted_ = false;
    heartbeat_timer_.cancel();
    boot_timer_.cancel();
}

void Charger::send_boot() {
    if (!connected()) return;
    BootInfo b{settings_.vendor,
               settings_.model.empty() ? default_model(spec_) : settings_.model,
               settings_.firmware,
               std::string(kind_name(spec_.kind)),
               spec_.rated_w,
               spec_.connectors,
               boot_id_};
    publish("boot", boot_payload(b, wall_now()), 1);
    // No boot_result (no server subscribed yet, or it lost the message): boot again, backing off.
    const int wait_s = std::min(5 << std::min(boot_attempts_, 4), 60);
    ++boot_attempts_;
    boot_timer_.expires_after(seconds(wait_s));
    boot_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || booted_ || !connected()) return;
        spdlog::warn("event=boot_result_timeout code={} attempt={}", spec_.code, boot_attempts_);
        send_boot();
    });
}

void Charger::on_boot_result(const Command& c) {
    if (c.status != "accepted") {
        const int retry_s = c.heartbeat_s > 0 ? c.heartbeat_s : 60;
        spdlog::warn("event=boot_rejected code={} status={} retry_s={}", spec_.code, c.status, retry_s);
        booted_ = false;
        boot_timer_.cancel();
        boot_timer_.expires_after(seconds(retry_s));
        boot_timer_.async_wait([this](boost::system::error_code ec) {
            if (!ec && !booted_) send_boot();
        });
        return;
    }
    if (booted_) return;  // an answer to a repeated boot
    booted_ = true;
    boot_timer_.cancel();
    heartbeat_s_ = settings_.heartbeat_override_s > 0 ? settings_.heartbeat_override_s
                                                      : (c.heartbeat_s > 0 ? c.heartbeat_s : 30);
    spdlog::info("event=boot_accepted code={} boot_id={} heartbeat_s={}", spec_.code, boot_id_, heartbeat_s_);
    after_boot();
}

void Charger::after_boot() {
    const auto now = wall_now();
    for (auto& con : connectors_) {
        publish_status(con);
        publish_meter(con);
    }
    for (const auto& con : connectors_)
        if (!con.fault.empty())
            publish("fault",
                    fault_payload({con.number, con.fault, "error", "active since before boot", false}, now),
                    1);
    replay_tx();
    schedule_heartbeat();
}

void Charger::schedule_heartbeat() {
    heartbeat_timer_.expires_after(seconds(heartbeat_s_));
    heartbeat_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || !online()) return;
        publish("heartbeat", heartbeat_payload(wall_now()), 0);
        // A tx event still unacknowledged a heartbeat later was lost on its way or not stored by the
        // server (its database was down, the instance that received it died): publish it again.
        replay_tx();
        schedule_heartbeat();
    });
}

void Charger::publish(std::string_view kind, std::string payload, int qos, std::string correlation) {
    if (!connected()) {
        spdlog::debug("event=publish_skipped code={} kind={} reason=offline", spec_.code, kind);
        return;
    }
    spdlog::debug("event=publish code={} kind={} payload={}", spec_.code, kind, payload);
    client_->publish(topic(spec_.code, kind), std::move(payload), qos, false, std::move(correlation));
}

void Charger::on_message(const mqtt::Message& m) {
    if (m.topic != topic(spec_.code, "cmd")) return;
    Command c;
    try {
        c = parse_command(m.payload);
    } catch (const std::exception& e) {
        spdlog::warn("event=cmd_rejected code={} error=\"{}\" payload={}", spec_.code, e.what(), m.payload);
        return;
    }
    spdlog::debug("event=cmd code={} cmd={} payload={}", spec_.code, c.name, m.payload);
    switch (c.kind) {
        case Command::Kind::kBootResult:
            on_boot_result(c);
            break;
        case Command::Kind::kStart:
            handle_start(c, m.correlation_data);
            break;
        case Command::Kind::kStop:
            handle_stop(c, m.correlation_data);
            break;
        case Command::Kind::kTxAck:
            if (store_.ack(c.tx_id, c.seq))
                spdlog::debug("event=tx_acked code={} tx_id={} seq={}", spec_.code, c.tx_id, c.seq);
            else
                spdlog::debug("event=tx_ack_unknown code={} tx_id={} seq={}", spec_.code, c.tx_id, c.seq);
            break;
        case Command::Kind::kUnknown:
            spdlog::warn("event=cmd_unknown code={} cmd={}", spec_.code, c.name);
            break;
    }
}

void Charger::cancel_timers() {
    heartbeat_timer_.cancel();
    boot_timer_.cancel();
    reboot_timer_.cancel();
}

void Charger::shutdown() {
    cancel_timers();
    tick_timer_.cancel();
    for (auto& t : finish_timers_) t->cancel();
    if (client_ && !down_) {
        if (connected()) publish("state", state_payload(false, "shutdown"), 1);
        client_->stop();
    }
    down_ = true;
    booted_ = false;
}

void Charger::kill() {
    started_ = true;
    cancel_timers();
    if (client_) client_->kill();
    ++generation_;  // whatever the old client still reports is stale
    down_ = true;
    booted_ = false;
    spdlog::info("event=charger_killed code={}", spec_.code);
}

void Charger::reconnect() {
    started_ = true;
    if (!down_ && client_) kill();
    cancel_timers();
    spdlog::info("event=charger_reconnect code={}", spec_.code);
    connect();
}

void Charger::reboot() {
    kill();
    spdlog::info("event=charger_reboot code={} old_boot_id={}", spec_.code, boot_id_);
    for (auto& con : connectors_) {
        if (con.session) end_session(con, "reboot", idle_status(con));
        finish_timers_[con.number - 1]->cancel();
        con.limit_w = -1;
        con.status = idle_status(con);
    }
    for (auto& con : connectors_) con.ended_orders.clear();  // a new boot remembers nothing
    boot_id_ = new_boot_id();
    tx_counter_ = 0;
    reboot_timer_.expires_after(milliseconds(settings_.reboot_ms));
    reboot_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) connect();
    });
}

WallTime Charger::wall_now() const {
    return std::chrono::time_point_cast<WallTime::duration>(std::chrono::system_clock::now() + clock_offset_);
}

void Charger::set_clock_offset(int seconds) {
    clock_offset_ = std::chrono::seconds(seconds);
    spdlog::info("event=clock_offset code={} offset_s={}", spec_.code, seconds);
}

void Charger::hold_tx(bool on) {
    held_ = on;
    spdlog::info("event=hold_tx code={} on={}", spec_.code, on);
    if (!on) replay_tx();
}

int Charger::duplicate_tx() {
    int n = 0;
    for (const auto& e : store_.history()) {
        publish("tx", e.payload, 1);
        ++n;
    }
    spdlog::info("event=duplicate_tx code={} events={}", spec_.code, n);
    return n;
}

json::object Charger::status_json() const {
    json::array cons;
    for (const auto& c : connectors_) {
        json::object o{{"connector", c.number}, {"status", status_name(c.status)}, {"plugged", c.plugged},
                       {"fault", c.fault},      {"energy_wh", c.energy.wh()},      {"power_w", c.power_w},
                       {"limit_w", c.limit_w}};
        if (c.session) {
            o["tx_id"] = c.session->tx_id;
            o["order_id"] = c.session->order_id;
            o["soc"] = static_cast<int>(c.session->ev.soc_pct);
            o["session_wh"] = c.energy.wh() - c.session->meter_start_wh;
        } else {
            o["tx_id"] = "";
            o["order_id"] = nullptr;
            o["soc"] = nullptr;
        }
        cons.push_back(std::move(o));
    }
    return json::object{{"code", spec_.code},
                        {"kind", kind_name(spec_.kind)},
                        {"rated_w", spec_.rated_w},
                        {"online", connected()},
                        {"booted", booted_},
                        {"boot_id", boot_id_},
                        {"heartbeat_s", heartbeat_s_},
                        {"unacked", store_.pending_count()},
                        {"hold_tx", held_},
                        {"drop_next_acks", drop_starts_},
                        {"clock_offset_s", std::chrono::duration_cast<seconds>(clock_offset_).count()},
                        {"connectors", std::move(cons)}};
}

Connector& Charger::connector_at(int number) {
    if (number < 1 || number > static_cast<int>(connectors_.size()))
        throw std::invalid_argument(fmt::format("charger {} has no connector {}", spec_.code, number));
    return connectors_[number - 1];
}

}  // namespace kw::sim
