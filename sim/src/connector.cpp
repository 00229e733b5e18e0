#include "connector.hpp"

#include <algorithm>

namespace kw::sim {

std::string_view status_name(ConnectorStatus status) {
    switch (status) {
        case ConnectorStatus::kAvailable:
            return "available";
        case ConnectorStatus::kPreparing:
            return "preparing";
        case ConnectorStatus::kCharging:
            return "charging";
        case ConnectorStatus::kSuspended:
            return "suspended";
        case ConnectorStatus::kFinishing:
            return "finishing";
        case ConnectorStatus::kFaulted:
            return "faulted";
        case ConnectorStatus::kUnavailable:
            return "unavailable";
    }
    return "unavailable";
}

std::string start_refusal(const Connector& c, std::int64_t order_id) {
    if (c.session && c.session->order_id == order_id) return "already_running";
    if (std::find(c.ended_orders.begin(), c.ended_orders.end(), order_id) != c.ended_orders.end())
        return "already_ended";
    if (!c.fault.empty() || c.status == ConnectorStatus::kFaulted) return "faulted";
    if (c.status == ConnectorStatus::kUnavailable) return "unavailable";
    if (c.session) return "occupied";
    return "";
}

void remember_ended(Connector& c, std::int64_t order_id) {
    c.ended_orders.push_back(order_id);
    if (c.ended_orders.size() > kEndedOrdersKept) c.ended_orders.erase(c.ended_orders.begin());
}

std::string stop_refusal(const Connector& c, std::string_view tx_id, std::optional<std::int64_t> order_id) {
    if (c.session) {
        const bool tx_ok = tx_id.empty() || tx_id == c.session->tx_id;
        const bool order_ok = !order_id || *order_id == c.session->order_id;
        if (tx_ok && order_ok) return "";
    }
    if (!c.last_tx_id.empty()) {
        const bool tx_ok = tx_id.empty() ? true : tx_id == c.last_tx_id;
        const bool order_ok = !order_id || *order_id == c.last_order_id;
        if (tx_ok && order_ok && (!tx_id.empty() || order_id)) return "already_stopped";
    }
    return "no_transaction";
}

ConnectorStatus idle_status(const Connector& c) {
    if (!c.fault.empty()) return ConnectorStatus::kFaulted;
    return c.plugged ? ConnectorStatus::kPreparing : ConnectorStatus::kAvailable;
}

bool update_energy(Connector& con, double speed, std::mt19937_64& rng) {
    const auto now = std::chrono::steady_clock::now();
    const double dt_s = std::chrono::duration<double>(now - con.last_update).count();
    con.last_update = now;
    if (!con.session) return false;
    if (con.status != ConnectorStatus::kCharging) {
        con.power_w = 0;
        return false;
    }
    const double noise = std::uniform_real_distribution<double>(-1.0, 1.0)(rng);
    const StepResult r = advance(con.session->curve, con.session->ev, dt_s * speed, noise, con.limit_w);
    con.energy.add(r.energy_wh);
    con.power_w = r.power_w;
    return r.full;
}

}  // namespace kw::sim
