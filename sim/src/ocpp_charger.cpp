// OcppCharger: the WebSocket link, BootNotification, heartbeats, the outbox of our CALLs (one in
// flight) and their answers.
#include "ocpp_charger.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <stdexcept>

#include "ocpp_link.hpp"

namespace kw::sim {

namespace net = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

// As Charger's: fresh at every power-up, not from the seeded stream.
std::string new_boot_id() {
    static std::mt19937_64 gen{
        std::random_device{}() ^
        static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count())};
    return fmt::format("{:010x}", gen() & 0xFFFFFFFFFFULL);
}

std::string default_model(const ChargerSpec& s) {
    return fmt::format("SIM-{}{}", kind_name(s.kind), s.rated_w / 1000);
}

// The errors after which a transaction message is simply sent again later: the central system
// could not handle it now (the edge answers StopTransaction with InternalError until the core has
// stored it). Any other error says the message itself is wrong.
bool retryable_error(std::string_view code) { return code == "InternalError" || code == "GenericError"; }

}  // namespace

OcppCharger::OcppCharger(net::any_io_executor ex, ChargerSpec spec, const SimSettings& settings)
    : ex_(ex),
      spec_(std::move(spec)),
      settings_(settings),
      url_(ocpp::parse_central_system_url(settings.ocpp_url)),
      rng_(seed_for(settings.seed, spec_.code)),
      boot_id_(new_boot_id()),
      clock_offset_(seconds(settings.clock_offset_s)),
      heartbeat_s_(settings.heartbeat_override_s > 0 ? settings.heartbeat_override_s : 30),
      ocpp_(static_cast<std::size_t>(spec_.connectors)),
      config_(spec_.connectors, heartbeat_s_, settings.meter_interval_s),
      heartbeat_timer_(ex),
      boot_timer_(ex),
      tick_timer_(ex),
      reboot_timer_(ex),
      reconnect_timer_(ex),
      call_timer_(ex),
      retry_timer_(ex),
      reset_timer_(ex) {
    // The same draws in the same order as Charger: a fleet seeded alike starts from the same registers.
    std::uniform_int_distribution<std::int64_t> start_wh(10'000, 5'000'000);
    for (int n = 1; n <= spec_.connectors; ++n) {
        Connector c;
        c.number = n;
        c.energy = EnergyRegister(start_wh(rng_));
        connectors_.push_back(std::move(c));
        finish_timers_.push_back(std::make_unique<net::steady_timer>(ex));
    }
}

OcppCharger::~OcppCharger() = default;

bool OcppCharger::connected() const { return !down_ && link_ && link_->is_open(); }

bool OcppCharger::link_up() const { return link_ && link_->socket_open(); }

bool OcppCharger::charging() const {
    return std::any_of(connectors_.begin(), connectors_.end(), [](const Connector& c) { return c.session; });
}

void OcppCharger::start() {
    if (started_) return;  // also after a kill before the fleet got to this charger: it stays down
    started_ = true;
    connect();
}

void OcppCharger::connect() {
    down_ = false;
    booted_ = false;
    const unsigned gen = ++generation_;
    OcppLinkOptions o;
    o.host = url_.host;
    o.port = url_.port;
    o.target = ocpp::station_target(url_, spec_.code);
    o.authorization = ocpp::basic_authorization(spec_.code, spec_.password);
    o.subprotocol = std::string(protocol_name());
    o.ping_interval_s = config_.integer("WebSocketPingInterval");
    OcppLink::Callbacks cb;
    cb.opened = [this, gen] { on_open(gen); };
    cb.text = [this, gen](std::string text) { on_text(gen, text); };
    cb.closed = [this, gen](std::string why) { on_closed(gen, why); };
    link_ = std::make_unique<OcppLink>(ex_, std::move(o), std::move(cb));
    link_->open();
}

void OcppCharger::on_open(unsigned gen) {
    if (gen != generation_) return;
    spdlog::info("event=charger_connected code={} protocol={} boot_id={}", spec_.code, protocol_name(),
                 boot_id_);
    connect_attempts_ = 0;
    boot_attempts_ = 0;
    if (boot_accepted_ && !settings_.ocpp_boot_on_reconnect) {
        // The same power-up on a new connection: no BootNotification, its state and its outbox again.
        booted_ = true;
        spdlog::info("event=charger_resumed code={} boot_id={}", spec_.code, boot_id_);
        after_boot(true);
        return;
    }
    queue_boot();
}

void OcppCharger::on_closed(unsigned gen, const std::string& why) {
    if (gen != generation_) return;
    if (down_)  // our own close (shutdown)
        spdlog::info("event=charger_disconnected code={} protocol={} reason=\"{}\"", spec_.code,
                     protocol_name(), why);
    else
        spdlog::warn("event=charger_disconnected code={} protocol={} error=\"{}\"", spec_.code,
                     protocol_name(), why);
    went_offline();
    schedule_reconnect();
}

void OcppCharger::went_offline() {
    booted_ = false;
    in_flight_.reset();
    outbox_.connection_lost();
    heartbeat_timer_.cancel();
    boot_timer_.cancel();
    call_timer_.cancel();
    retry_timer_.cancel();
    // An Authorize that was under way is lost with the connection: that remote start did not happen.
    for (auto& con : connectors_) {
        auto& o = extra(con);
        if (!o.authorizing) continue;
        o.authorizing = false;
        o.id_tag.clear();
        set_status(con, rest_status(con));
    }
}

void OcppCharger::schedule_reconnect() {
    if (down_) return;
    // 1 s doubling to 10 s, each drawn in 50-150 %: 10,000 chargers dropped at once come back spread.
    const int base_ms = std::min(1000 << std::min(connect_attempts_, 4), 10000);
    ++connect_attempts_;
    const auto wait =
        milliseconds(static_cast<int>(base_ms * std::uniform_real_distribution<double>(0.5, 1.5)(rng_)));
    reconnect_timer_.expires_after(wait);
    reconnect_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec && !down_) connect();
    });
}

void OcppCharger::queue_boot() { queue({"BootNotification", boot_request(boot_reason_)}); }

json::object OcppCharger::boot_request(std::string_view reason_201) const {
    const std::string model = settings_.model.empty() ? default_model(spec_) : settings_.model;
    if (v201())
        return ocpp201::boot_notification(reason_201, settings_.vendor, model, settings_.firmware,
                                          spec_.code);
    return ocpp::boot_notification(settings_.vendor, model, settings_.firmware, spec_.code);
}

void OcppCharger::on_boot_answer(const json::object& answer) {
    const auto* status = answer.if_contains("status");
    const auto* interval = answer.if_contains("interval");
    const int interval_s = interval && interval->is_int64() ? static_cast<int>(interval->as_int64()) : 0;
    if (!status || !status->is_string() || status->as_string() != "Accepted") {
        if (booted_) return;  // the answer to a triggered BootNotification changes nothing
        // Pending or Rejected: boot again after `interval` (4.2).
        const int retry_s = interval_s > 0 ? interval_s : 60;
        spdlog::warn("event=boot_rejected code={} status={} retry_s={}", spec_.code,
                     status && status->is_string() ? std::string_view(status->as_string()) : "?", retry_s);
        boot_timer_.expires_after(seconds(retry_s));
        boot_timer_.async_wait([this](boost::system::error_code ec) {
            if (!ec && !booted_ && connected()) queue_boot();
        });
        return;
    }
    if (settings_.heartbeat_override_s <= 0 && interval_s > 0) {
        heartbeat_s_ = interval_s;
        config_.set("HeartbeatInterval", std::to_string(interval_s));
    }
    if (booted_) {
        schedule_heartbeat();
        return;
    }
    booted_ = true;
    boot_accepted_ = true;
    boot_reason_ = "PowerUp";
    boot_timer_.cancel();
    spdlog::info("event=boot_accepted code={} boot_id={} heartbeat_s={}", spec_.code, boot_id_, heartbeat_s_);
    after_boot(false);
}

void OcppCharger::boot_failed() {
    if (booted_ || !connected()) return;
    // No answer or an error: boot again after 5, 10, 20, 40, 60, 60 ... s, as the kw-mqtt/1 charger.
    const int wait_s = std::min(5 << std::min(boot_attempts_, 4), 60);
    ++boot_attempts_;
    boot_timer_.expires_after(seconds(wait_s));
    boot_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || booted_ || !connected()) return;
        spdlog::warn("event=boot_result_timeout code={} attempt={}", spec_.code, boot_attempts_);
        queue_boot();
    });
}

void OcppCharger::after_boot(bool resumed) {
    // Every status anew (the central system may have restarted, or missed changes while the charger
    // was offline); the outbox's transaction messages are older than these and go first.
    if (resumed) boot_timer_.cancel();
    station_reported_.clear();
    for (auto& o : ocpp_) o.reported_status.clear();
    if (!v201()) queue_status(0);  // 2.0.1 reports EVSEs only
    for (auto& con : connectors_) set_status(con, con.status);
    schedule_heartbeat();
    pump();
}

void OcppCharger::schedule_heartbeat() {
    heartbeat_timer_.expires_after(seconds(heartbeat_s_));
    heartbeat_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || !booted_ || !connected()) return;
        // One waiting behind a slow answer (a StopTransaction the core has not stored yet) is enough.
        if (!outbox_.waiting("Heartbeat")) queue({"Heartbeat", json::object{}});
        schedule_heartbeat();
    });
}

void OcppCharger::queue(ocpp::OutgoingCall call) {
    // Other messages exist only on a live connection; transaction messages are kept regardless.
    if (!call.transactional && (!connected() || (!booted_ && call.action != "BootNotification"))) return;
    outbox_.push(std::move(call));
    pump();
}

void OcppCharger::pump() {
    if (in_flight_ || !connected()) return;
    auto next = outbox_.next(std::chrono::steady_clock::now(), booted_, held_);
    if (!next) {
        arm_retry();
        return;
    }
    retry_timer_.cancel();
    InFlight f{std::to_string(++message_counter_), std::move(*next)};
    const std::string frame = ocpp::format_call(f.id, f.call.action, f.call.payload);
    spdlog::debug("event=ocpp_call code={} frame={}", spec_.code, frame);
    if (f.call.attempt > 1)
        spdlog::info("event=ocpp_call_again code={} action={} attempt={}", spec_.code, f.call.action,
                     f.call.attempt);
    const std::string id = f.id;
    in_flight_ = std::move(f);
    link_->send(frame);
    call_timer_.expires_after(seconds(settings_.ocpp_call_timeout_s));
    call_timer_.async_wait([this, id](boost::system::error_code ec) {
        if (!ec) on_call_timeout(id);
    });
}

void OcppCharger::arm_retry() {
    const auto at = outbox_.retry_at();
    if (!at || held_) return;
    retry_timer_.expires_at(*at);
    retry_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) pump();
    });
}

void OcppCharger::on_text(unsigned gen, const std::string& text) {
    if (gen != generation_) return;
    spdlog::debug("event=ocpp_frame_in code={} frame={}", spec_.code, text);
    auto parsed = ocpp::parse_frame(text);
    if (auto* bad = std::get_if<ocpp::BadFrame>(&parsed)) {
        spdlog::warn("event=ocpp_bad_frame code={} error=\"{}\"", spec_.code, bad->message);
        if (!bad->id.empty()) answer_error(bad->id, bad->code, bad->message);
        return;
    }
    auto& frame = std::get<ocpp::Frame>(parsed);
    if (auto* call = std::get_if<ocpp::Call>(&frame))
        on_call(*call);
    else if (auto* result = std::get_if<ocpp::CallResult>(&frame))
        on_call_result(*result);
    else
        on_call_error(std::get<ocpp::CallError>(frame));
}

void OcppCharger::on_call_result(const ocpp::CallResult& result) {
    if (!in_flight_ || in_flight_->id != result.id) {
        spdlog::info("event=ocpp_unexpected_result code={} id={}", spec_.code, result.id);
        return;
    }
    call_timer_.cancel();
    const InFlight done = std::move(*in_flight_);
    in_flight_.reset();
    outbox_.answered();
    const std::string& action = done.call.action;
    if (action == "BootNotification") {
        on_boot_answer(result.payload);
    } else if (action == "StartTransaction") {
        on_start_answer(done, result.payload);
    } else if (action == "Authorize") {
        const auto* info = result.payload.if_contains("idTagInfo");
        const auto* status = info && info->is_object() ? info->as_object().if_contains("status") : nullptr;
        on_authorize_answer(std::string(done.call.payload.at("idTag").as_string()),
                            status && status->is_string() && status->as_string() == "Accepted");
    }
    pump();
}

void OcppCharger::on_call_error(const ocpp::CallError& error) {
    if (!in_flight_ || in_flight_->id != error.id) {
        spdlog::info("event=ocpp_unexpected_error code={} id={} error={}", spec_.code, error.id, error.code);
        return;
    }
    call_timer_.cancel();
    const InFlight done = std::move(*in_flight_);
    in_flight_.reset();
    call_failed(done, retryable_error(error.code), fmt::format("{}: {}", error.code, error.description));
}

void OcppCharger::on_call_timeout(const std::string& id) {
    if (!in_flight_ || in_flight_->id != id) return;
    const InFlight done = std::move(*in_flight_);
    in_flight_.reset();
    call_failed(done, true, "no answer");
}

void OcppCharger::call_failed(const InFlight& call, bool retryable, std::string_view why) {
    // 2.0.1: a TransactionEvent leaves the queue only with its CALLRESULT; any failure sends it again.
    if (v201() && call.call.transactional) retryable = true;
    const auto outcome = outbox_.failed(std::chrono::steady_clock::now(), retryable,
                                        config_.integer("TransactionMessageAttempts"),
                                        seconds(config_.integer("TransactionMessageRetryInterval")));
    const bool dropped = outcome == ocpp::Outbox::Failure::kDropped;
    if (call.call.transactional)
        spdlog::warn("event=ocpp_tx_message_failed code={} action={} attempt={} error=\"{}\" outcome={}",
                     spec_.code, call.call.action, call.call.attempt, why, dropped ? "dropped" : "retry");
    else
        spdlog::warn("event=ocpp_call_failed code={} action={} error=\"{}\"", spec_.code, call.call.action,
                     why);
    if (call.call.action == "BootNotification") boot_failed();
    if (call.call.action == "Authorize")
        on_authorize_answer(std::string(call.call.payload.at("idTag").as_string()), false);
    pump();
}

void OcppCharger::answer(const std::string& id, json::object payload) {
    if (!link_) return;
    link_->send(ocpp::format_result(id, payload));
}

void OcppCharger::answer_error(const std::string& id, std::string_view code, std::string_view description) {
    if (!link_) return;
    link_->send(ocpp::format_error(id, v201() ? ocpp201::error_code(code) : code, description));
}

void OcppCharger::cancel_timers() {
    heartbeat_timer_.cancel();
    boot_timer_.cancel();
    reboot_timer_.cancel();
    reconnect_timer_.cancel();
    call_timer_.cancel();
    retry_timer_.cancel();
    reset_timer_.cancel();
}

void OcppCharger::power_up() {
    boot_id_ = new_boot_id();
    boot_accepted_ = false;  // the next connection boots
}

WallTime OcppCharger::wall_now() const {
    return std::chrono::time_point_cast<WallTime::duration>(std::chrono::system_clock::now() + clock_offset_);
}

Connector& OcppCharger::connector_at(int number) {
    if (number < 1 || number > static_cast<int>(connectors_.size()))
        throw std::invalid_argument(fmt::format("charger {} has no connector {}", spec_.code, number));
    return connectors_[number - 1];
}

ocpp::EnergyUnit OcppCharger::energy_unit() const {
    return settings_.ocpp_energy_kwh ? ocpp::EnergyUnit::kKWh : ocpp::EnergyUnit::kWh;
}

}  // namespace kw::sim
