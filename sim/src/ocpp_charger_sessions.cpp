// OcppCharger: transactions (StartTransaction / StopTransaction), energy integration, MeterValues and
// StatusNotifications.
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
    json::object stop{
        {"idTag", o.id_tag}, {"meterStop", con.energy.wh()}, {"timestamp", utc_iso(now)}, {"reason", reason}};
    const auto stop_data = config_.list("StopTxnSampledData");
    if (!stop_data.empty()) {
        ocpp::Sample sample = sample_of(con);
        sample.ts = now;
        stop["transactionData"] =
            json::array{ocpp::meter_value(sample, "Transaction.End", stop_data, energy_unit())};
    }
    spdlog::info("event=tx_ended code={} connector={} local_tx={} transaction_id={} reason={} energy_wh={}",
                 spec_.code, con.number, o.local_tx, o.transaction_id.value_or(-1), reason,
                 con.energy.wh() - s.meter_start_wh);
    const int local = o.local_tx;
    ocpp::remember_ended_tag(o, o.id_tag);
    o.transaction_id.reset();
    o.local_tx = 0;
    o.id_tag.clear();
    o.ev_full = false;
    con.session.reset();
    con.power_w = 0;
    if (o.inoperative_scheduled) {
        o.inoperative = true;
        o.inoperative_scheduled = false;
    }
    queue({"StopTransaction", std::move(stop), true, local});
    if (next != ConnectorStatus::kFinishing) next = rest_status(con);
    set_status(con, next);
    if (next == ConnectorStatus::kFinishing) schedule_finish(con);
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
    const std::string_view now = ocpp::charge_point_status(con, o);
    if (!booted_ || o.reported_status == now) return;
    spdlog::debug("event=status code={} connector={} from={} to={}", spec_.code, con.number,
                  o.reported_status, now);
    queue_status(con.number);
}

void OcppCharger::queue_status(int number) {
    if (!booted_) return;
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
// transactionId) while one runs, otherwise a plain one (sent only while online).
void OcppCharger::queue_meter(Connector& con, std::string_view context) {
    con.last_meter = Clock::now();
    const auto measurands = config_.list("MeterValuesSampledData");
    if (measurands.empty()) return;
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
