// Charger: start/stop commands, sessions, energy integration, meter and tx events.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <chrono>
#include <cmath>

#include "charger.hpp"

namespace kw::sim {

namespace net = boost::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

void Charger::send_ack(const Command& c, const std::string& correlation, bool accepted,
                       std::string_view reason) {
    publish("ack", ack_payload(c.corr, c.name, accepted, reason), 1, correlation);
    spdlog::info("event=ack code={} cmd={} corr={} connector={} accepted={} reason={}", spec_.code, c.name,
                 c.corr, c.connector, accepted, reason);
}

void Charger::handle_start(const Command& c, const std::string& correlation) {
    if (drop_starts_ > 0) {
        --drop_starts_;
        spdlog::warn("event=start_dropped code={} corr={} left={}", spec_.code, c.corr, drop_starts_);
        return;
    }
    if (c.connector < 1 || c.connector > static_cast<int>(connectors_.size())) {
        send_ack(c, correlation, false, "unknown_connector");
        return;
    }
    Connector& con = connectors_[c.connector - 1];
    const std::string refusal = start_refusal(con, *c.order_id);
    if (refusal == "already_running") {  // a repeated start: the same answer, nothing new
        send_ack(c, correlation, true, "");
        return;
    }
    if (!refusal.empty()) {
        send_ack(c, correlation, false, refusal);
        return;
    }
    send_ack(c, correlation, true, "");
    begin_session(con, *c.order_id);
}

void Charger::handle_stop(const Command& c, const std::string& correlation) {
    if (c.connector < 1 || c.connector > static_cast<int>(connectors_.size())) {
        send_ack(c, correlation, false, "unknown_connector");
        return;
    }
    Connector& con = connectors_[c.connector - 1];
    const std::string refusal = stop_refusal(con, c.tx_id, c.order_id);
    if (refusal == "already_stopped") {
        send_ack(c, correlation, true, "");
        return;
    }
    if (!refusal.empty()) {
        send_ack(c, correlation, false, refusal);
        return;
    }
    send_ack(c, correlation, true, "");
    end_session(con, "remote", ConnectorStatus::kFinishing);
}

void Charger::begin_session(Connector& con, std::int64_t order_id) {
    finish_timers_[con.number - 1]->cancel();
    const auto now = wall_now();
    Session s;
    s.tx_id = fmt::format("{}-{}-{}", spec_.code, boot_id_, ++tx_counter_);
    s.order_id = order_id;
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
    TxStarted started{s.tx_id, 1, con.number, order_id, s.meter_start_wh};
    con.session = std::move(s);
    spdlog::info("event=tx_started code={} connector={} tx_id={} order_id={} meter_wh={}", spec_.code,
                 con.number, started.tx_id, order_id, started.meter_wh);
    store_tx(started.tx_id, 1, tx_started_payload(started, now));
    set_status(con, con.limit_w == 0 ? ConnectorStatus::kSuspended : ConnectorStatus::kCharging);
    ensure_tick();
}

void Charger::end_session(Connector& con, std::string_view reason, ConnectorStatus next) {
    if (!con.session) return;
    update_energy(con);
    Session& s = *con.session;
    TxEnded ended{s.tx_id,          s.next_seq++, con.number,      s.order_id,
                  s.meter_start_wh, s.started_at, con.energy.wh(), std::string(reason)};
    spdlog::info("event=tx_ended code={} connector={} tx_id={} order_id={} reason={} energy_wh={}",
                 spec_.code, con.number, ended.tx_id, ended.order_id, reason,
                 ended.meter_wh - ended.meter_start_wh);
    con.last_tx_id = s.tx_id;
    con.last_order_id = s.order_id;
    remember_ended(con, s.order_id);
    con.session.reset();
    con.power_w = 0;
    store_tx(ended.tx_id, ended.seq, tx_ended_payload(ended, wall_now()));
    set_status(con, next);
    if (next == ConnectorStatus::kFinishing) schedule_finish(con);
}

void Charger::schedule_finish(Connector& con) {
    auto& timer = *finish_timers_[con.number - 1];
    timer.expires_after(milliseconds(settings_.finishing_ms));
    const int number = con.number;
    timer.async_wait([this, number](boost::system::error_code ec) {
        if (ec) return;
        Connector& c = connectors_[number - 1];
        if (c.session || c.status != ConnectorStatus::kFinishing) return;
        c.plugged = false;  // the driver unplugs and leaves
        set_status(c, idle_status(c));
    });
}

void Charger::set_status(Connector& con, ConnectorStatus status) {
    if (con.status == status) return;
    spdlog::debug("event=status code={} connector={} from={} to={}", spec_.code, con.number,
                  status_name(con.status), status_name(status));
    con.status = status;
    publish_status(con);
    publish_meter(con);
}

void Charger::publish_status(const Connector& con) {
    if (!online()) return;
    publish("status",
            status_payload(con.number, status_name(con.status), con.fault, wall_now()),
            1);
}

void Charger::publish_meter(Connector& con) {
    con.last_meter = Clock::now();
    if (!online()) return;
    MeterReading m;
    m.connector = con.number;
    m.energy_wh = con.energy.wh();
    m.power_w = con.power_w;
    CurveParams curve{spec_.kind, spec_.rated_w, settings_.battery_wh};
    const double soc = con.session ? con.session->ev.soc_pct : 0.0;
    if (con.session) {
        m.tx_id = con.session->tx_id;
        curve = con.session->curve;
        if (spec_.kind == ChargerKind::kDc) m.soc = static_cast<int>(soc);
    }
    m.voltage_v = con.session || spec_.kind == ChargerKind::kAc ? voltage_v(curve, soc) : 0.0;
    m.current_a = current_a(curve, m.power_w, m.voltage_v);
    publish("meter", meter_payload(m, wall_now()), 0);
}

bool Charger::update_energy(Connector& con) {
    return kw::sim::update_energy(con, settings_.speed, rng_);
}

void Charger::ensure_tick() {
    if (ticking_) return;
    ticking_ = true;
    tick_timer_.expires_after(std::chrono::seconds(1));
    tick_timer_.async_wait([this](boost::system::error_code ec) {
        ticking_ = false;
        if (!ec) on_tick();
    });
}

void Charger::on_tick() {
    const auto now = Clock::now();
    const auto interval = std::chrono::seconds(settings_.meter_interval_s);
    bool any = false;
    for (auto& con : connectors_) {
        if (!con.session) continue;
        if (update_energy(con)) {
            spdlog::info("event=ev_full code={} connector={}", spec_.code, con.number);
            end_session(con, "ev_full", ConnectorStatus::kFinishing);
            continue;
        }
        any = true;
        if (now - con.last_meter >= interval - milliseconds(50)) publish_meter(con);
    }
    if (any) ensure_tick();
}

void Charger::store_tx(std::string tx_id, int seq, std::string payload) {
    const bool live = online() && !held_;
    TxEvent event{std::move(tx_id), seq, std::move(payload)};
    if (live) publish("tx", event.payload, 1);
    store_.add(std::move(event));
}

void Charger::replay_tx() {
    if (!online() || held_ || store_.pending_count() == 0) return;
    spdlog::info("event=tx_replay code={} events={}", spec_.code, store_.pending_count());
    for (const auto& e : store_.pending()) publish("tx", e.payload, 1);
}

}  // namespace kw::sim
