// Charger: what happens at the charger itself (driver, EV, hardware), driven by the control port.
#include <spdlog/spdlog.h>

#include <chrono>
#include <stdexcept>

#include "charger.hpp"

namespace kw::sim {

void Charger::stop_local(int number) {
    Connector& con = connector_at(number);
    if (!con.session) throw std::invalid_argument("no transaction on this connector");
    end_session(con, "local", ConnectorStatus::kFinishing);
}

void Charger::raise_fault(int number, const std::string& code, const std::string& severity) {
    if (severity != "info" && severity != "warning" && severity != "error")
        throw std::invalid_argument("severity must be info, warning or error");
    if (number != 0) connector_at(number);  // validates
    const auto now = wall_now();
    spdlog::info("event=fault_raised code={} connector={} fault={} severity={}", spec_.code, number, code,
                 severity);
    if (online())
        publish("fault", fault_payload({number, code, severity, "simulated " + code, false}, now), 1);
    if (severity != "error") return;
    for (auto& con : connectors_) {
        if (number != 0 && con.number != number) continue;
        con.fault = code;
        if (con.session)
            end_session(con, "fault", ConnectorStatus::kFaulted);
        else
            set_status(con, ConnectorStatus::kFaulted);
    }
}

void Charger::clear_fault(int number) {
    if (number != 0) connector_at(number);
    const auto now = wall_now();
    for (auto& con : connectors_) {
        if (number != 0 && con.number != number) continue;
        if (con.fault.empty()) continue;
        const std::string code = std::exchange(con.fault, "");
        spdlog::info("event=fault_cleared code={} connector={} fault={}", spec_.code, con.number, code);
        if (online())
            publish("fault",
                    fault_payload({number == 0 ? 0 : con.number, code, "error", "cleared", true}, now), 1);
        set_status(con, idle_status(con));
    }
}

void Charger::plug(int number) {
    Connector& con = connector_at(number);
    con.plugged = true;
    if (con.status == ConnectorStatus::kAvailable) set_status(con, ConnectorStatus::kPreparing);
}

void Charger::unplug(int number) {
    Connector& con = connector_at(number);
    con.plugged = false;
    // Pulling the cable ends a running session at the charger (an EV-side stop, not a driver stop).
    if (con.session)
        end_session(con, "other", idle_status(con));
    else if (con.status == ConnectorStatus::kPreparing || con.status == ConnectorStatus::kFinishing)
        set_status(con, idle_status(con));
}

void Charger::ev_full(int number) {
    Connector& con = connector_at(number);
    if (!con.session) throw std::invalid_argument("no transaction on this connector");
    update_energy(con);
    con.session->ev.soc_pct = 100.0;
    end_session(con, "ev_full", ConnectorStatus::kFinishing);
}

void Charger::set_power(int number, int limit_w) {
    Connector& con = connector_at(number);
    update_energy(con);
    con.limit_w = limit_w < 0 ? -1 : limit_w;
    spdlog::info("event=set_power code={} connector={} limit_w={}", spec_.code, number, con.limit_w);
    if (!con.session) return;
    if (con.limit_w == 0) {
        con.power_w = 0;
        set_status(con, ConnectorStatus::kSuspended);
        return;
    }
    con.power_w =
        static_cast<int>(drawn_power_w(con.session->curve, con.session->ev.soc_pct, 0.0, con.limit_w));
    if (con.status == ConnectorStatus::kSuspended)
        set_status(con, ConnectorStatus::kCharging);
    else
        publish_meter(con);
}

}  // namespace kw::sim
