// OcppCharger: the control port's operations: the connection (shutdown, kill, reconnect, reboot and
// the power cycle a Reset shares), what happens at the charger itself (driver, EV, hardware), clock,
// hold-tx, duplicate-tx and status.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <chrono>
#include <stdexcept>

#include "ocpp_charger.hpp"
#include "ocpp_link.hpp"

namespace kw::sim {

namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

void OcppCharger::shutdown() {
    cancel_timers();
    tick_timer_.cancel();
    for (auto& t : finish_timers_) t->cancel();
    if (link_ && !down_) link_->close(true);
    down_ = true;
    booted_ = false;
}

void OcppCharger::kill() {
    started_ = true;
    cancel_timers();
    resetting_ = false;  // a Reset not carried out yet is lost with the power
    reset_on_idle_ = false;
    if (link_) link_->kill();
    ++generation_;  // whatever the old link still reports is stale
    down_ = true;
    went_offline();
    spdlog::info("event=charger_killed code={}", spec_.code);
}

void OcppCharger::reconnect() {
    started_ = true;
    if (!down_ && link_) kill();
    cancel_timers();
    spdlog::info("event=charger_reconnect code={}", spec_.code);
    connect_attempts_ = 0;
    connect();
}

void OcppCharger::reboot() { power_cycle("Reboot", false); }

// Power off and on: the connection drops (after the close handshake when `graceful`), running
// sessions end with `stop_reason` (their StopTransactions stay in the outbox, which survives), and
// after settings.reboot_ms the charger connects and boots again.
void OcppCharger::power_cycle(std::string_view stop_reason, bool graceful) {
    if (graceful && link_ && connected()) {
        link_->close();
        ++generation_;
        down_ = true;
        went_offline();
    } else {
        kill();
    }
    spdlog::info("event=charger_reboot code={} old_boot_id={} reason={}", spec_.code, boot_id_, stop_reason);
    for (auto& con : connectors_) {
        if (con.session) end_session(con, stop_reason, ConnectorStatus::kAvailable);
        finish_timers_[con.number - 1]->cancel();
        con.limit_w = -1;
        auto& o = extra(con);
        o.ev_full = false;
        o.authorizing = false;
        o.ended_tags.clear();  // a new boot remembers nothing
        if (o.inoperative_scheduled) o.inoperative = true;
        o.inoperative_scheduled = false;
        con.status = rest_status(con);
    }
    power_up();
    resetting_ = false;  // the Reset is carried out: the rebooted charger takes new transactions
    reset_on_idle_ = false;
    reboot_timer_.expires_after(milliseconds(settings_.reboot_ms));
    reboot_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec) return;
        connect_attempts_ = 0;
        connect();
    });
}

void OcppCharger::stop_local(int number) {
    Connector& con = connector_at(number);
    if (!con.session) throw std::invalid_argument("no transaction on this connector");
    end_session(con, "Local", ConnectorStatus::kFinishing);
}

void OcppCharger::raise_fault(int number, const std::string& code, const std::string& severity) {
    if (severity != "info" && severity != "warning" && severity != "error")
        throw std::invalid_argument("severity must be info, warning or error");
    if (number != 0) connector_at(number);  // validates
    spdlog::info("event=fault_raised code={} connector={} fault={} severity={}", spec_.code, number, code,
                 severity);
    const std::string error_code(ocpp::error_code_for_fault(code));
    const std::string vendor = error_code == "OtherError" ? code : "";
    if (severity != "error") {
        // A warning is reported with the connector's status as it is, and not kept. 2.0.1 has no
        // errorCode in StatusNotification (NotifyEvent would carry it): only logged.
        if (!booted_ || v201()) return;
        const WallTime now = wall_now();
        ocpp::OcppConnector report;
        report.error_code = error_code;
        report.vendor_error_code = vendor;
        report.info = severity + ": " + code;
        if (number == 0) {
            queue({"StatusNotification", ocpp::status_notification(0, station_status(), &report, now)});
            return;
        }
        Connector& con = connector_at(number);
        queue({"StatusNotification",
               ocpp::status_notification(number, ocpp::charge_point_status(con, extra(con)), &report, now)});
        return;
    }
    if (number == 0) {
        station_fault_ = code;
        queue_status(0);
    }
    for (auto& con : connectors_) {
        if (number != 0 && con.number != number) continue;
        auto& o = extra(con);
        con.fault = code;
        o.error_code = error_code;
        o.vendor_error_code = vendor;
        o.info = "simulated " + code;
        o.reported_status.clear();  // Faulted with its errorCode, even if already Faulted
        // A real charger stops a transaction on a hardware fault; EmergencyStop is the 1.6 reason
        // that says so (the edge maps it to kw-mqtt/1 `fault`).
        if (con.session)
            end_session(con, "EmergencyStop", ConnectorStatus::kFaulted);
        else
            set_status(con, ConnectorStatus::kFaulted);
    }
}

void OcppCharger::clear_fault(int number) {
    if (number != 0) connector_at(number);
    if (number == 0 && !station_fault_.empty()) {
        spdlog::info("event=fault_cleared code={} connector=0 fault={}", spec_.code, station_fault_);
        station_fault_.clear();
        queue_status(0);
    }
    for (auto& con : connectors_) {
        if (number != 0 && con.number != number) continue;
        if (con.fault.empty()) continue;
        spdlog::info("event=fault_cleared code={} connector={} fault={}", spec_.code, con.number, con.fault);
        con.fault.clear();
        auto& o = extra(con);
        o.error_code = "NoError";
        o.vendor_error_code.clear();
        o.info.clear();
        set_status(con, rest_status(con));
    }
}

void OcppCharger::plug(int number) {
    Connector& con = connector_at(number);
    con.plugged = true;
    if (con.status == ConnectorStatus::kAvailable) set_status(con, ConnectorStatus::kPreparing);
}

void OcppCharger::unplug(int number) {
    Connector& con = connector_at(number);
    con.plugged = false;
    // The EV side is disconnected: the transaction ends (StopTransactionOnEVSideDisconnect).
    if (con.session)
        end_session(con, "EVDisconnected", ConnectorStatus::kAvailable);
    else if (con.status == ConnectorStatus::kPreparing || con.status == ConnectorStatus::kFinishing)
        set_status(con, rest_status(con));
}

void OcppCharger::ev_full(int number) {
    Connector& con = connector_at(number);
    if (!con.session) throw std::invalid_argument("no transaction on this connector");
    update_energy(con);
    con.session->ev.soc_pct = 100.0;
    ev_became_full(con);
}

void OcppCharger::set_power(int number, int limit_w) {
    Connector& con = connector_at(number);
    update_energy(con);
    con.limit_w = limit_w < 0 ? -1 : limit_w;
    spdlog::info("event=set_power code={} connector={} limit_w={}", spec_.code, number, con.limit_w);
    if (!con.session || extra(con).ev_full) return;
    if (con.limit_w == 0) {
        con.power_w = 0;
        set_status(con, ConnectorStatus::kSuspended);
        return;
    }
    con.power_w =
        static_cast<int>(drawn_power_w(con.session->curve, con.session->ev.soc_pct, 0.0, con.limit_w));
    if (con.status == ConnectorStatus::kSuspended) set_status(con, ConnectorStatus::kCharging);
}

void OcppCharger::set_clock_offset(int seconds) {
    clock_offset_ = std::chrono::seconds(seconds);
    spdlog::info("event=clock_offset code={} offset_s={}", spec_.code, seconds);
}

void OcppCharger::hold_tx(bool on) {
    held_ = on;
    spdlog::info("event=hold_tx code={} on={}", spec_.code, on);
    if (on)
        retry_timer_.cancel();
    else
        pump();
}

int OcppCharger::duplicate_tx() {
    int n = 0;
    // Copied first: pushing may send at once, and the outbox records what it sends.
    const std::vector<ocpp::OutgoingCall> copies(outbox_.history().begin(), outbox_.history().end());
    for (const auto& c : copies) {
        outbox_.push(c);
        ++n;
    }
    spdlog::info("event=duplicate_tx code={} messages={}", spec_.code, n);
    pump();
    return n;
}

json::object OcppCharger::status_json() const {
    json::array cons;
    for (const auto& c : connectors_) {
        const auto& o = ocpp_[c.number - 1];
        json::object j{{"connector", c.number},
                       {"status", status_name(c.status)},
                       {"ocpp_status",
                        v201() ? ocpp201::connector_status(c) : ocpp::charge_point_status(c, o)},
                       {"plugged", c.plugged},
                       {"fault", c.fault},
                       {"energy_wh", c.energy.wh()},
                       {"power_w", c.power_w},
                       {"limit_w", c.limit_w},
                       {"inoperative", o.inoperative}};
        if (c.session && v201()) {
            j["tx_id"] = o.tx_uuid;
            j["transaction_id"] = o.tx_uuid;
            j["seq_no"] = o.seq_no;  // of the next event
        } else if (c.session) {
            j["tx_id"] = o.transaction_id ? std::to_string(*o.transaction_id) : "";
            j["transaction_id"] = o.transaction_id ? json::value(*o.transaction_id) : json::value(nullptr);
        }
        if (c.session) {
            j["id_tag"] = o.id_tag;
            const auto order = ocpp::order_of_tag(o.id_tag);
            j["order_id"] = order ? json::value(*order) : json::value(nullptr);
            j["soc"] = static_cast<int>(c.session->ev.soc_pct);
            j["session_wh"] = c.energy.wh() - c.session->meter_start_wh;
        } else {
            j["tx_id"] = "";
            j["transaction_id"] = nullptr;
            j["order_id"] = nullptr;
            j["soc"] = nullptr;
        }
        cons.push_back(std::move(j));
    }
    return json::object{{"code", spec_.code},
                        {"protocol", protocol_name()},
                        {"kind", kind_name(spec_.kind)},
                        {"rated_w", spec_.rated_w},
                        {"online", connected()},
                        {"booted", booted_},
                        {"boot_id", boot_id_},
                        {"heartbeat_s", heartbeat_s_},
                        {"unacked", outbox_.transaction_messages()},
                        {"hold_tx", held_},
                        {"drop_next_acks", drop_starts_},
                        {"clock_offset_s", std::chrono::duration_cast<seconds>(clock_offset_).count()},
                        {"connectors", std::move(cons)}};
}

}  // namespace kw::sim
