// OcppCharger: transactions (1.6 StartTransaction / StopTransaction; 2.0.1 TransactionEvent),
// energy integration, MeterValues and StatusNotifications.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <chrono>
#include <cmath>

#include "ocpp_charger.hpp"

namespace kw::sim {

namespace net = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

// Random bits for 2.0.1 transactionIds: fresh at every process start, not from the seeded stream (a
// restarted simulator must not reuse the ids of its last run).
std::uint64_t fresh_random() {
    static std::mt19937_64 gen{
        std::random_device{}() ^
        static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count())};
    return gen();
}

}  // namespace

void OcppCharger::begin_session(Connector& con, std::string id_tag) {
    finish_timers_[con.number - 1]->cancel();
    auto& o = extra(con);
    const auto now = wall_now();
    Session s;
    s.order_id = ocpp::order_of_tag(id_tag).value_or(0);
    s.meter_start_wh = con.energy.wh();
    s.started_at = utc_iso(now);
    s.curve.kind = spec_.kind;
    s.curve.rated_w = spec_.rated_w;
    s.curve.battery_wh = settings_.battery_wh;
    s.curve.taper_start_soc = std::uniform_real_distribution<double>(60.0, 80.0)(rng_);
    s.ev.soc_pct = std::uniform_real_distribution<double>(10.0, 60.0)(rng_);
    con.plugged = true;
    con.last_update = Clock::now();
    con.last_meter = con.last_update;
    con.power_w = static_cast<int>(std::lround(drawn_power_w(s.curve, s.ev.soc_pct, 0.0, con.limit_w)));
    o.local_tx = ++local_tx_counter_;
    o.id_tag = std::move(id_tag);
    o.transaction_id.reset();
    o.ev_full = false;
    o.authorizing = false;
    con.session = std::move(s);
    if (v201()) {
        o.tx_uuid = ocpp201::transaction_id(fresh_random(), fresh_random());
        o.seq_no = 0;
        spdlog::info("event=tx_started code={} connector={} transaction_id={} id_token={} remote_start_id={} "
                     "meter_wh={}",
                     spec_.code, con.number, o.tx_uuid, o.id_tag, o.remote_start_id.value_or(0),
                     con.session->meter_start_wh);
        ocpp::Sample begin = sample_of(con);
        queue_tx_event(con, "Started", o.remote_start_id ? "RemoteStart" : "Authorized", "",
                       ocpp201::meter_value(begin, "Transaction.Begin", {"Energy.Active.Import.Register"}));
        set_status(con, con.limit_w == 0 ? ConnectorStatus::kSuspended : ConnectorStatus::kCharging);
        ensure_tick();
        return;
    }
    spdlog::info("event=tx_started code={} connector={} local_tx={} id_tag={} meter_wh={}", spec_.code,
                 con.number, o.local_tx, o.id_tag, con.session->meter_start_wh);
    queue({"StartTransaction",
           json::object{{"connectorId", con.number},
                        {"idTag", o.id_tag},
                        {"meterStart", con.session->meter_start_wh},
                        {"timestamp", con.session->started_at}},
           true, o.local_tx});
    set_status(con, con.limit_w == 0 ? ConnectorStatus::kSuspended : ConnectorStatus::kCharging);
    queue_meter(con, "Transaction.Begin");
    ensure_tick();
}

void OcppCharger::on_start_answer(const InFlight& call, const json::object& answer) {
    if (call.call.duplicate) return;  // a copy sent by duplicate-tx: the transaction has its id
    const auto* id = answer.if_contains("transactionId");
    const auto* info = answer.if_contains("idTagInfo");
    const auto* status = info && info->is_object() ? info->as_object().if_contains("status") : nullptr;
    const std::int64_t tx = id && id->is_int64() ? id->as_int64() : 0;
    const std::string_view auth = status && status->is_string() ? std::string_view(status->as_string()) : "?";
    outbox_.resolve(call.call.local_tx, tx);
    for (auto& con : connectors_) {
        auto& o = extra(con);
        if (o.local_tx != call.call.local_tx) continue;
        o.transaction_id = tx;
        spdlog::info("event=tx_id code={} connector={} local_tx={} transaction_id={} status={}", spec_.code,
                     con.number, o.local_tx, tx, auth);
        // Not authorized (Invalid, Blocked, Expired, ConcurrentTx): a charge point stops the
        // transaction with reason DeAuthorized (StopTransactionOnInvalidId, 4.8).
        if (auth != "Accepted" && con.session && config_.boolean("StopTransactionOnInvalidId"))
            end_session(con, "DeAuthorized", ConnectorStatus::kFinishing);
        return;
    }
    // The transaction ended before its answer came: its StopTransaction gets the id from the outbox.
    spdlog::info("event=tx_id code={} local_tx={} transaction_id={} status={} running=false", spec_.code,
                 call.call.local_tx, tx, auth);
}

void OcppCharger::end_session(Connector& con, std::string_view reason, ConnectorStatus next) {
    if (!con.session) return;
    update_energy(con);
    auto& o = extra(con);
    const Session& s = *con.session;
    const auto now = wall_now();
    ocpp::Sample last = sample_of(con);
    last.ts = now;
    std::optional<ocpp::OutgoingCall> stop;  // 1.6: StopTransaction, queued once the session is gone
    if (v201()) {
        spdlog::info("event=tx_ended code={} connector={} transaction_id={} reason={} energy_wh={} "
                     "meter_wh={}",
                     spec_.code, con.number, o.tx_uuid, reason, con.energy.wh() - s.meter_start_wh,
                     con.energy.wh());
        queue_tx_event(con, "Ended", ocpp201::ended_trigger(reason), ocpp201::stopped_reason(reason),
                       ocpp201::meter_value(last, "Transaction.End", config_.list("StopTxnSampledData")));
    } else {
        json::object payload{{"idTag", o.id_tag},
                             {"meterStop", con.energy.wh()},
                             {"timestamp", utc_iso(now)},
                             {"reason", reason}};
        const auto stop_data = config_.list("StopTxnSampledData");
        if (!stop_data.empty())
            payload["transactionData"] =
                json::array{ocpp::meter_value(last, "Transaction.End", stop_data, energy_unit())};
        spdlog::info("event=tx_ended code={} connector={} local_tx={} transaction_id={} reason={} "
                     "energy_wh={}",
                     spec_.code, con.number, o.local_tx, o.transaction_id.value_or(-1), reason,
                     con.energy.wh() - s.meter_start_wh);
        stop = ocpp::OutgoingCall{"StopTransaction", std::move(payload), true, o.local_tx};
    }
    ocpp::remember_ended_tag(o, o.id_tag);
    o.transaction_id.reset();
    o.local_tx = 0;
    o.id_tag.clear();
    o.ev_full = false;
    o.tx_uuid.clear();
    o.seq_no = 0;
    o.remote_start_id.reset();
    o.id_token_type.clear();
    con.session.reset();
    con.power_w = 0;
    if (o.inoperative_scheduled) {
        o.inoperative = true;
        o.inoperative_scheduled = false;
    }
    if (stop) queue(std::move(*stop));
    if (next != ConnectorStatus::kFinishing) next = rest_status(con);
    set_status(con, next);
    if (next == ConnectorStatus::kFinishing) schedule_finish(con);
    if (reset_on_idle_ && !charging()) {
        // 2.0.1 Reset OnIdle: the last transaction has ended; restart once its Ended is answered.
        reset_on_idle_ = false;
        finish_soft_reset(std::chrono::steady_clock::now() + std::chrono::seconds(30));
    }
}

void OcppCharger::queue_tx_event(Connector& con, std::string_view type, std::string_view trigger,
                                 std::string_view stopped_reason, std::optional<json::object> meter_value) {
    auto& o = extra(con);
    const bool ended = type == "Ended";
    const std::string_view state =
        ended ? (con.plugged ? "EVConnected" : "Idle") : ocpp201::charging_state(con, o);
    o.reported_charging_state = std::string(state);
    ocpp201::TxEvent e;
    e.type = type;
    e.ts = wall_now();
    e.trigger = trigger;
    e.seq_no = o.seq_no++;
    e.transaction_id = o.tx_uuid;
    e.charging_state = state;
    e.stopped_reason = stopped_reason;
    e.evse = con.number;
    if (type == "Started") {
        e.remote_start_id = o.remote_start_id;
        e.id_token = o.id_tag;
        e.id_token_type = o.id_token_type;
    }
    e.offline = !booted_;  // made while the station cannot send: replayed later, marked as such
    e.meter_value = std::move(meter_value);
    json::object payload = ocpp201::transaction_event(e);
    if (e.offline)
        spdlog::info("event=tx_event_offline code={} connector={} transaction_id={} type={} seq_no={}",
                     spec_.code, con.number, o.tx_uuid, type, e.seq_no);
    else
        spdlog::debug("event=tx_event code={} connector={} type={} seq_no={}", spec_.code, con.number, type,
                      e.seq_no);
    queue({"TransactionEvent", std::move(payload), true, o.local_tx});
}

void OcppCharger::schedule_finish(Connector& con) {
    auto& timer = *finish_timers_[con.number - 1];
    timer.expires_after(milliseconds(settings_.finishing_ms));
    const int number = con.number;
    timer.async_wait([this, number](boost::system::error_code ec) {
        if (ec) return;
        Connector& c = connectors_[number - 1];
        if (c.session || c.status != ConnectorStatus::kFinishing) return;
        c.plugged = false;  // the driver unplugs and leaves
        set_status(c, rest_status(c));
    });
}

// The EV stopped drawing: SuspendedEV while the transaction runs, until the driver comes back and
// unplugs (settings.finishing_ms later), which ends it with reason EVDisconnected, as a real
// charger with StopTransactionOnEVSideDisconnect does.
void OcppCharger::ev_became_full(Connector& con) {
    auto& o = extra(con);
    if (o.ev_full) return;
    spdlog::info("event=ev_full code={} connector={}", spec_.code, con.number);
    o.ev_full = true;
    con.power_w = 0;
    set_status(con, ConnectorStatus::kSuspended);
    auto& timer = *finish_timers_[con.number - 1];
    timer.expires_after(milliseconds(settings_.finishing_ms));
    const int number = con.number;
    timer.async_wait([this, number](boost::system::error_code ec) {
        if (ec) return;
        Connector& c = connectors_[number - 1];
        if (!c.session || !extra(c).ev_full) return;
        c.plugged = false;
        end_session(c, "EVDisconnected", ConnectorStatus::kAvailable);
    });
}

ConnectorStatus OcppCharger::rest_status(const Connector& con) const {
    const auto& o = ocpp_[con.number - 1];
    if (!con.fault.empty()) return ConnectorStatus::kFaulted;
    if (o.inoperative || station_inoperative_) return ConnectorStatus::kUnavailable;
    return con.plugged ? ConnectorStatus::kPreparing : ConnectorStatus::kAvailable;
}

std::string_view OcppCharger::station_status() const {
    if (!station_fault_.empty()) return "Faulted";
    return station_inoperative_ ? "Unavailable" : "Available";
}

void OcppCharger::set_status(Connector& con, ConnectorStatus status) {
    con.status = status;
    auto& o = extra(con);
    // 2.0.1: a transaction's chargingState changes are its events (queued offline too).
    if (v201() && con.session && ocpp201::charging_state(con, o) != o.reported_charging_state)
        queue_tx_event(con, "Updated", "ChargingStateChanged", "", std::nullopt);
    const std::string_view now =
        v201() ? ocpp201::connector_status(con) : ocpp::charge_point_status(con, o);
    if (!booted_ || o.reported_status == now) return;
    spdlog::debug("event=status code={} connector={} from={} to={}", spec_.code, con.number,
                  o.reported_status, now);
    queue_status(con.number);
}

void OcppCharger::queue_status(int number) {
    if (!booted_) return;
    if (v201()) {
        if (number == 0) return;  // no connector 0 in 2.0.1: the EVSEs say it all
        Connector& con = connector_at(number);
        auto& o = extra(con);
        o.reported_status = std::string(ocpp201::connector_status(con));
        queue({"StatusNotification", ocpp201::status_notification(number, o.reported_status, wall_now())});
        return;
    }
    if (number == 0) {
        station_reported_ = std::string(station_status());
        ocpp::OcppConnector station;
        if (!station_fault_.empty()) {
            station.error_code = std::string(ocpp::error_code_for_fault(station_fault_));
            if (station.error_code == "OtherError") station.vendor_error_code = station_fault_;
        }
        queue({"StatusNotification", ocpp::status_notification(0, station_reported_, &station, wall_now())});
        return;
    }
    Connector& con = connector_at(number);
    auto& o = extra(con);
    o.reported_status = std::string(ocpp::charge_point_status(con, o));
    queue({"StatusNotification", ocpp::status_notification(number, o.reported_status, &o, wall_now())});
}

ocpp::Sample OcppCharger::sample_of(const Connector& con) const {
    ocpp::Sample s;
    s.ts = wall_now();
    s.energy_wh = con.energy.wh();
    s.power_w = con.power_w;
    CurveParams curve{spec_.kind, spec_.rated_w, settings_.battery_wh};
    const double soc = con.session ? con.session->ev.soc_pct : 0.0;
    if (con.session) {
        curve = con.session->curve;
        if (spec_.kind == ChargerKind::kDc) s.soc = static_cast<int>(soc);
    }
    s.voltage_v = con.session || spec_.kind == ChargerKind::kAc ? voltage_v(curve, soc) : 0.0;
    s.current_a = current_a(curve, s.power_w, s.voltage_v);
    return s;
}

// A MeterValues.req for the connector: of its transaction (kept until answered, with the
// transactionId) while one runs, otherwise a plain one (sent only while online). 2.0.1: a
// TransactionEvent Updated while a transaction runs, otherwise MeterValues {evseId, meterValue}.
void OcppCharger::queue_meter(Connector& con, std::string_view context) {
    con.last_meter = Clock::now();
    const auto measurands = config_.list("MeterValuesSampledData");
    if (measurands.empty()) return;
    if (v201()) {
        json::object mv = ocpp201::meter_value(sample_of(con), context, measurands);
        if (mv.at("sampledValue").as_array().empty()) return;  // SoC alone without a session
        if (con.session)
            queue_tx_event(con, "Updated", context == "Trigger" ? "Trigger" : "MeterValuePeriodic", "",
                           std::move(mv));
        else
            queue({"MeterValues",
                   json::object{{"evseId", con.number}, {"meterValue", json::array{std::move(mv)}}}});
        return;
    }
    json::object payload{
        {"connectorId", con.number},
        {"meterValue", json::array{ocpp::meter_value(sample_of(con), context, measurands, energy_unit())}}};
    const auto& o = extra(con);
    if (con.session)
        queue({"MeterValues", std::move(payload), true, o.local_tx});
    else
        queue({"MeterValues", std::move(payload)});
}

bool OcppCharger::update_energy(Connector& con) {
    return kw::sim::update_energy(con, settings_.speed, rng_);
}

void OcppCharger::ensure_tick() {
    if (ticking_) return;
    ticking_ = true;
    tick_timer_.expires_after(std::chrono::seconds(1));
    tick_timer_.async_wait([this](boost::system::error_code ec) {
        ticking_ = false;
        if (!ec) on_tick();
    });
}

void OcppCharger::on_tick() {
    const auto now = Clock::now();
    const int interval_s = config_.integer("MeterValueSampleInterval");  // 0: no periodic samples
    bool any = false;
    for (auto& con : connectors_) {
        if (!con.session) continue;
        any = true;
        if (update_energy(con)) ev_became_full(con);
        if (interval_s > 0 && now - con.last_meter >= std::chrono::seconds(interval_s) - milliseconds(50))
            queue_meter(con, "Sample.Periodic");
    }
    if (any) ensure_tick();
}

}  // namespace kw::sim
