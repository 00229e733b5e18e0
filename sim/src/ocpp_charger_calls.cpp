// OcppCharger: the central system's CALLs, answered as a 1.6 charge point with the Core and
// RemoteTrigger profiles does. Every handler answers first and then acts, so the answer goes out
// before any CALL the action causes (a StartTransaction after RemoteStartTransaction).
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "ocpp_charger.hpp"

namespace kw::sim {

namespace json = boost::json;
using std::chrono::milliseconds;

void OcppCharger::on_call(const ocpp::Call& call) {
    if (v201()) return on_call_201(call);
    const std::string& a = call.action;
    spdlog::debug("event=ocpp_cs_call code={} action={} payload={}", spec_.code, a,
                  json::serialize(call.payload));
    try {
        if (a == "RemoteStartTransaction") return remote_start(call);
        if (a == "RemoteStopTransaction") return remote_stop(call);
        if (a == "Reset") return reset(call);
        if (a == "UnlockConnector") return unlock_connector(call);
        if (a == "ChangeAvailability") return change_availability(call);
        if (a == "GetConfiguration") return get_configuration(call);
        if (a == "ChangeConfiguration") return change_configuration(call);
        if (a == "TriggerMessage") return trigger_message(call);
        if (a == "ClearCache") return answer(call.id, json::object{{"status", "Accepted"}});
        if (a == "DataTransfer") {
            ocpp::required_string(call.payload, "vendorId", 255);
            return answer(call.id, json::object{{"status", "UnknownVendorId"}});
        }
        spdlog::info("event=ocpp_cs_call_not_implemented code={} action={}", spec_.code, a);
        answer_error(call.id, "NotImplemented", a + " is not implemented by this charge point");
    } catch (const ocpp::PayloadError& e) {
        spdlog::warn("event=ocpp_cs_call_refused code={} action={} error={} message=\"{}\"", spec_.code, a,
                     e.code(), e.what());
        answer_error(call.id, e.code(), e.what());
    }
}

void OcppCharger::remote_start(const ocpp::Call& call) {
    const auto connector_id = ocpp::optional_int(call.payload, "connectorId");
    std::string id_tag = ocpp::required_string(call.payload, "idTag", 20);
    if (drop_starts_ > 0) {
        --drop_starts_;
        spdlog::warn("event=start_dropped code={} id_tag={} left={}", spec_.code, id_tag, drop_starts_);
        return;  // no answer at all: the central system's call times out
    }
    const auto reply = [&](bool accepted, std::string_view reason, int connector) {
        spdlog::info("event=remote_start code={} connector={} id_tag={} accepted={} reason={}", spec_.code,
                     connector, id_tag, accepted, reason);
        answer(call.id, json::object{{"status", accepted ? "Accepted" : "Rejected"}});
    };
    if (resetting_) return reply(false, "resetting", connector_id.value_or(0));
    int number = 0;
    if (connector_id) {
        if (*connector_id < 1 || *connector_id > static_cast<int>(connectors_.size()))
            return reply(false, "unknown_connector", static_cast<int>(*connector_id));
        number = static_cast<int>(*connector_id);
    } else {
        const auto picked = ocpp::pick_connector(connectors_, ocpp_, id_tag);
        if (!picked) return reply(false, "no_connector_free", 0);
        number = *picked;
    }
    Connector& con = connectors_[number - 1];
    auto& o = extra(con);
    std::string refusal = ocpp::remote_start_refusal(con, o, id_tag);
    if (station_inoperative_ && refusal.empty()) refusal = "unavailable";
    if (refusal == "already_running") return reply(true, refusal, number);  // a repeat: nothing new
    if (!refusal.empty()) return reply(false, refusal, number);
    reply(true, "", number);
    if (config_.boolean("AuthorizeRemoteTxRequests")) {
        o.authorizing = true;
        o.id_tag = id_tag;
        set_status(con, ConnectorStatus::kPreparing);
        queue({"Authorize", json::object{{"idTag", id_tag}}});
        return;
    }
    begin_session(con, std::move(id_tag));
}

void OcppCharger::on_authorize_answer(const std::string& id_tag, bool accepted) {
    for (auto& con : connectors_) {
        auto& o = extra(con);
        if (!o.authorizing || o.id_tag != id_tag) continue;
        o.authorizing = false;
        spdlog::info("event=authorize code={} connector={} id_tag={} accepted={}", spec_.code, con.number,
                     id_tag, accepted);
        if (accepted && con.fault.empty() && !o.inoperative && !station_inoperative_ && !resetting_) {
            begin_session(con, id_tag);
        } else {
            o.id_tag.clear();
            set_status(con, rest_status(con));
        }
        return;
    }
}

void OcppCharger::remote_stop(const ocpp::Call& call) {
    const std::int64_t tx = ocpp::required_int(call.payload, "transactionId");
    for (auto& con : connectors_) {
        auto& o = extra(con);
        if (!con.session || o.transaction_id != tx) continue;
        spdlog::info("event=remote_stop code={} connector={} transaction_id={} accepted=true", spec_.code,
                     con.number, tx);
        answer(call.id, json::object{{"status", "Accepted"}});
        end_session(con, "Remote", ConnectorStatus::kFinishing);
        return;
    }
    spdlog::info("event=remote_stop code={} transaction_id={} accepted=false reason=no_transaction",
                 spec_.code, tx);
    answer(call.id, json::object{{"status", "Rejected"}});
}

void OcppCharger::reset(const ocpp::Call& call) {
    const std::string type = ocpp::required_enum(call.payload, "type", {"Hard", "Soft"});
    if (resetting_) return answer(call.id, json::object{{"status", "Rejected"}});
    answer(call.id, json::object{{"status", "Accepted"}});
    resetting_ = true;
    spdlog::info("event=reset code={} type={}", spec_.code, type);
    if (type == "Hard") {
        // No graceful stop: the StopTransactions (HardReset) go after the reboot. The answer is
        // given a moment to leave first.
        reset_timer_.expires_after(milliseconds(250));
        reset_timer_.async_wait([this](boost::system::error_code ec) {
            if (!ec) power_cycle("HardReset", false);
        });
        return;
    }
    // Soft: stop the transactions now, wait (up to 30 s) until their StopTransactions are answered,
    // then close the connection and restart.
    for (auto& con : connectors_)
        if (con.session) end_session(con, "SoftReset", ConnectorStatus::kFinishing);
    finish_soft_reset(std::chrono::steady_clock::now() + std::chrono::seconds(30));
}

void OcppCharger::finish_soft_reset(std::chrono::steady_clock::time_point deadline) {
    reset_timer_.expires_after(milliseconds(200));
    reset_timer_.async_wait([this, deadline](boost::system::error_code ec) {
        if (ec) return;
        if (outbox_.transaction_messages() == 0 || !connected() ||
            std::chrono::steady_clock::now() >= deadline)
            power_cycle("SoftReset", true);
        else
            finish_soft_reset(deadline);
    });
}

void OcppCharger::unlock_connector(const ocpp::Call& call) {
    const std::int64_t id = ocpp::required_int(call.payload, "connectorId");
    if (id < 1 || id > static_cast<int>(connectors_.size()))
        return answer(call.id, json::object{{"status", "NotSupported"}});
    answer(call.id, json::object{{"status", "Unlocked"}});
    Connector& con = connectors_[id - 1];
    spdlog::info("event=unlock_connector code={} connector={} session={}", spec_.code, id,
                 con.session.has_value());
    // The cable comes out: a running transaction ends first (UnlockCommand, 5.17).
    con.plugged = false;
    finish_timers_[con.number - 1]->cancel();
    if (con.session)
        end_session(con, "UnlockCommand", rest_status(con));
    else
        set_status(con, rest_status(con));
}

void OcppCharger::change_availability(const ocpp::Call& call) {
    const std::int64_t id = ocpp::required_int(call.payload, "connectorId");
    const bool inoperative =
        ocpp::required_enum(call.payload, "type", {"Inoperative", "Operative"}) == "Inoperative";
    if (id < 0 || id > static_cast<int>(connectors_.size()))
        return answer(call.id, json::object{{"status", "Rejected"}});
    bool scheduled = false;
    for (auto& con : connectors_) {
        if (id != 0 && con.number != id) continue;
        auto& o = extra(con);
        if (inoperative && con.session) {
            o.inoperative_scheduled = true;  // once the transaction ends (5.2)
            scheduled = true;
        } else {
            o.inoperative = inoperative;
            o.inoperative_scheduled = false;
        }
    }
    if (id == 0) station_inoperative_ = inoperative;
    spdlog::info("event=change_availability code={} connector={} inoperative={} scheduled={}", spec_.code, id,
                 inoperative, scheduled);
    answer(call.id, json::object{{"status", scheduled ? "Scheduled" : "Accepted"}});
    if (id == 0) queue_status(0);
    for (auto& con : connectors_)
        if ((id == 0 || con.number == id) && !con.session && !extra(con).authorizing)
            set_status(con, rest_status(con));
}

void OcppCharger::get_configuration(const ocpp::Call& call) {
    std::vector<std::string> wanted;
    if (const auto* keys = call.payload.if_contains("key")) {
        if (!keys->is_array()) throw ocpp::PayloadError("TypeConstraintViolation", "key must be an array");
        for (const auto& k : keys->as_array()) {
            if (!k.is_string()) throw ocpp::PayloadError("TypeConstraintViolation", "key must hold strings");
            wanted.emplace_back(k.as_string());
        }
    }
    std::vector<std::string> unknown;
    json::array known;
    for (const auto& k : config_.get(wanted, unknown))
        known.push_back(json::object{{"key", k.name}, {"readonly", k.readonly}, {"value", k.value}});
    json::object out{{"configurationKey", std::move(known)}};
    if (!unknown.empty()) {
        json::array u;
        for (auto& k : unknown) u.push_back(json::value(std::string_view(k).substr(0, 50)));
        out["unknownKey"] = std::move(u);
    }
    answer(call.id, std::move(out));
}

void OcppCharger::change_configuration(const ocpp::Call& call) {
    const std::string key = ocpp::required_string(call.payload, "key", 50);
    const std::string value = ocpp::required_string(call.payload, "value", 500);
    const auto result = config_.change(key, value);
    spdlog::info("event=change_configuration code={} key={} value=\"{}\" status={}", spec_.code, key, value,
                 ocpp::change_status_name(result));
    answer(call.id, json::object{{"status", ocpp::change_status_name(result)}});
    if (result != ocpp::ConfigStore::Change::kAccepted) return;
    config_changed(*config_.canonical(key));
}

void OcppCharger::config_changed(const std::string& name) {
    if (name == "HeartbeatInterval") {
        heartbeat_s_ = config_.integer(name);
        if (booted_) schedule_heartbeat();
    } else if (name == "MeterValueSampleInterval") {
        if (charging()) ensure_tick();
    }
}

void OcppCharger::trigger_message(const ocpp::Call& call) {
    const std::string what =
        ocpp::required_enum(call.payload, "requestedMessage",
                            {"BootNotification", "DiagnosticsStatusNotification",
                             "FirmwareStatusNotification", "Heartbeat", "MeterValues", "StatusNotification"});
    const auto connector_id = ocpp::optional_int(call.payload, "connectorId");
    if (connector_id && (*connector_id < 0 || *connector_id > static_cast<int>(connectors_.size())))
        return answer(call.id, json::object{{"status", "Rejected"}});
    answer(call.id, json::object{{"status", "Accepted"}});
    spdlog::info("event=trigger_message code={} message={} connector={}", spec_.code, what,
                 connector_id.value_or(-1));
    const auto each_connector = [&](auto&& f) {
        for (auto& con : connectors_)
            if (!connector_id || *connector_id == 0 || con.number == *connector_id) f(con);
    };
    if (what == "BootNotification") {
        queue_boot();
    } else if (what == "Heartbeat") {
        queue({"Heartbeat", json::object{}});
    } else if (what == "StatusNotification") {
        if (!connector_id || *connector_id == 0) queue_status(0);
        if (!connector_id || *connector_id > 0)
            each_connector([&](Connector& con) { queue_status(con.number); });
    } else if (what == "MeterValues") {
        each_connector([&](Connector& con) {
            update_energy(con);
            queue_meter(con, "Trigger");
        });
    } else {
        queue({what, json::object{{"status", "Idle"}}});
    }
}

}  // namespace kw::sim
