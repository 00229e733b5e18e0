// OcppCharger with --protocol ocpp2.0.1: the central system's 2.0.1 CALLs (kilowatt-ocpp sends them
// as ocpp/src/v201/commands.cpp says). As in 1.6, every handler answers first and then acts, so the
// answer goes out before any CALL the action causes (TransactionEvent Started after
// RequestStartTransaction, NotifyReport after GetBaseReport).
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "ocpp_charger.hpp"

namespace kw::sim {

namespace json = boost::json;

namespace {

const json::object& required_object(const json::object& payload, std::string_view key) {
    const auto* v = payload.if_contains(key);
    if (!v) throw ocpp::PayloadError("OccurenceConstraintViolation", fmt::format("{} is required", key));
    if (!v->is_object())
        throw ocpp::PayloadError("TypeConstraintViolation", fmt::format("{} must be an object", key));
    return v->as_object();
}

const json::object* optional_object(const json::object& payload, std::string_view key) {
    if (!payload.contains(key)) return nullptr;
    return &required_object(payload, key);
}

const json::array& required_array(const json::object& payload, std::string_view key) {
    const auto* v = payload.if_contains(key);
    if (!v) throw ocpp::PayloadError("OccurenceConstraintViolation", fmt::format("{} is required", key));
    if (!v->is_array() || v->as_array().empty())
        throw ocpp::PayloadError("TypeConstraintViolation", fmt::format("{} must be a non-empty array", key));
    for (const auto& item : v->as_array())
        if (!item.is_object())
            throw ocpp::PayloadError("TypeConstraintViolation", fmt::format("{} must hold objects", key));
    return v->as_array();
}

json::object status(std::string_view s) { return json::object{{"status", s}}; }

}  // namespace

void OcppCharger::on_call_201(const ocpp::Call& call) {
    const std::string& a = call.action;
    spdlog::debug("event=ocpp_cs_call code={} action={} payload={}", spec_.code, a,
                  json::serialize(call.payload));
    try {
        if (a == "RequestStartTransaction") return request_start(call);
        if (a == "RequestStopTransaction") return request_stop(call);
        if (a == "Reset") return reset_201(call);
        if (a == "UnlockConnector") return unlock_connector_201(call);
        if (a == "ChangeAvailability") return change_availability_201(call);
        if (a == "GetVariables") return get_variables(call);
        if (a == "SetVariables") return set_variables(call);
        if (a == "GetBaseReport") return get_base_report(call);
        if (a == "TriggerMessage") return trigger_message_201(call);
        if (a == "GetTransactionStatus") return get_transaction_status(call);
        if (a == "ClearCache") return answer(call.id, status("Accepted"));
        if (a == "SendLocalList") {
            local_list_version_ = ocpp::required_int(call.payload, "versionNumber");
            ocpp::required_enum(call.payload, "updateType", {"Differential", "Full"});
            return answer(call.id, status("Accepted"));
        }
        if (a == "GetLocalListVersion")
            return answer(call.id, json::object{{"versionNumber", local_list_version_}});
        if (a == "DataTransfer") {
            ocpp::required_string(call.payload, "vendorId", 255);
            return answer(call.id, status("UnknownVendorId"));
        }
        spdlog::info("event=ocpp_cs_call_not_implemented code={} action={}", spec_.code, a);
        answer_error(call.id, "NotImplemented", a + " is not implemented by this charging station");
    } catch (const ocpp::PayloadError& e) {
        spdlog::warn("event=ocpp_cs_call_refused code={} action={} error={} message=\"{}\"", spec_.code, a,
                     e.code(), e.what());
        answer_error(call.id, e.code(), e.what());
    }
}

void OcppCharger::request_start(const ocpp::Call& call) {
    const auto evse_id = ocpp::optional_int(call.payload, "evseId");
    const std::int64_t remote_start_id = ocpp::required_int(call.payload, "remoteStartId");
    const json::object& token = required_object(call.payload, "idToken");
    std::string id_token = ocpp::required_string(token, "idToken", 36);
    std::string token_type = ocpp::required_string(token, "type", 20);
    if (drop_starts_ > 0) {
        --drop_starts_;
        spdlog::warn("event=start_dropped code={} id_token={} left={}", spec_.code, id_token, drop_starts_);
        return;  // no answer at all: the central system's call times out
    }
    const auto reply = [&](bool accepted, std::string_view reason, int evse, std::string_view tx = {}) {
        spdlog::info(
            "event=remote_start code={} connector={} id_token={} remote_start_id={} accepted={} reason={}",
            spec_.code, evse, id_token, remote_start_id, accepted, reason);
        json::object r = status(accepted ? "Accepted" : "Rejected");
        if (!tx.empty()) r["transactionId"] = tx;
        answer(call.id, std::move(r));
    };
    if (resetting_) return reply(false, "resetting", static_cast<int>(evse_id.value_or(0)));
    int number = 0;
    if (evse_id) {
        if (*evse_id < 1 || *evse_id > static_cast<int>(connectors_.size()))
            return reply(false, "unknown_connector", static_cast<int>(*evse_id));
        number = static_cast<int>(*evse_id);
    } else {
        const auto picked = ocpp::pick_connector(connectors_, ocpp_, id_token);
        if (!picked) return reply(false, "no_connector_free", 0);
        number = *picked;
    }
    Connector& con = connectors_[number - 1];
    auto& o = extra(con);
    std::string refusal = ocpp::remote_start_refusal(con, o, id_token);
    if (station_inoperative_ && refusal.empty()) refusal = "unavailable";
    if (refusal == "already_running") return reply(true, refusal, number, o.tx_uuid);  // nothing new
    if (!refusal.empty()) return reply(false, refusal, number);
    reply(true, "", number);
    o.remote_start_id = remote_start_id;
    o.id_token_type = std::move(token_type);
    begin_session(con, std::move(id_token));
}

void OcppCharger::request_stop(const ocpp::Call& call) {
    const std::string tx = ocpp::required_string(call.payload, "transactionId", 36);
    for (auto& con : connectors_) {
        if (!con.session || extra(con).tx_uuid != tx) continue;
        spdlog::info("event=remote_stop code={} connector={} transaction_id={} accepted=true", spec_.code,
                     con.number, tx);
        answer(call.id, status("Accepted"));
        end_session(con, "Remote", ConnectorStatus::kFinishing);
        return;
    }
    spdlog::info("event=remote_stop code={} transaction_id={} accepted=false reason=no_transaction",
                 spec_.code, tx);
    answer(call.id, status("Rejected"));
}

// Immediate: the transactions end (ImmediateReset), and once their Ended events are answered (at most
// 30 s) the station restarts. OnIdle: the same at once when nothing runs, otherwise Scheduled and
// done when the last transaction ends (end_session). A Reset of one EVSE is Rejected.
void OcppCharger::reset_201(const ocpp::Call& call) {
    const std::string type = ocpp::required_enum(call.payload, "type", {"Immediate", "OnIdle"});
    if (resetting_ || ocpp::optional_int(call.payload, "evseId")) return answer(call.id, status("Rejected"));
    resetting_ = true;
    boot_reason_ = "RemoteReset";
    const bool wait = type == "OnIdle" && charging();
    answer(call.id, status(wait ? "Scheduled" : "Accepted"));
    spdlog::info("event=reset code={} type={} scheduled={}", spec_.code, type, wait);
    if (wait) {
        reset_on_idle_ = true;
        return;
    }
    for (auto& con : connectors_)
        if (con.session) end_session(con, "ImmediateReset", ConnectorStatus::kFinishing);
    finish_soft_reset(std::chrono::steady_clock::now() + std::chrono::seconds(30));
}

void OcppCharger::unlock_connector_201(const ocpp::Call& call) {
    const std::int64_t evse = ocpp::required_int(call.payload, "evseId");
    const std::int64_t connector = ocpp::required_int(call.payload, "connectorId");
    if (evse < 1 || evse > static_cast<int>(connectors_.size()) || connector != 1)
        return answer(call.id, status("UnknownConnector"));
    Connector& con = connectors_[evse - 1];
    // 2.0.1 F05: a cable of a running, authorised transaction is not released.
    if (con.session) return answer(call.id, status("OngoingAuthorizedTransaction"));
    answer(call.id, status("Unlocked"));
    spdlog::info("event=unlock_connector code={} connector={}", spec_.code, evse);
    con.plugged = false;
    finish_timers_[con.number - 1]->cancel();
    set_status(con, rest_status(con));
}

void OcppCharger::change_availability_201(const ocpp::Call& call) {
    const bool inoperative =
        ocpp::required_enum(call.payload, "operationalStatus", {"Inoperative", "Operative"}) == "Inoperative";
    std::int64_t id = 0;
    if (const json::object* evse = optional_object(call.payload, "evse"))
        id = ocpp::required_int(*evse, "id");
    if (id < 0 || id > static_cast<int>(connectors_.size())) return answer(call.id, status("Rejected"));
    bool scheduled = false;
    for (auto& con : connectors_) {
        if (id != 0 && con.number != id) continue;
        auto& o = extra(con);
        if (inoperative && con.session) {
            o.inoperative_scheduled = true;  // once the transaction ends
            scheduled = true;
        } else {
            o.inoperative = inoperative;
            o.inoperative_scheduled = false;
        }
    }
    if (id == 0) station_inoperative_ = inoperative;
    spdlog::info("event=change_availability code={} connector={} inoperative={} scheduled={}", spec_.code, id,
                 inoperative, scheduled);
    answer(call.id, status(scheduled ? "Scheduled" : "Accepted"));
    for (auto& con : connectors_)
        if ((id == 0 || con.number == id) && !con.session) set_status(con, rest_status(con));
}

ocpp201::StationInfo OcppCharger::station_info() const {
    ocpp201::StationInfo info;
    info.evses = static_cast<int>(connectors_.size());
    info.kind = spec_.kind;
    info.rated_w = spec_.rated_w;
    info.station_state = station_inoperative_     ? "Unavailable"
                         : station_fault_.empty() ? "Available"
                                                  : "Faulted";
    for (const auto& con : connectors_) info.evse_states.emplace_back(ocpp201::connector_status(con));
    return info;
}

void OcppCharger::get_variables(const ocpp::Call& call) {
    const auto model = ocpp201::device_model(config_, station_info());
    json::array results;
    for (const auto& item : required_array(call.payload, "getVariableData"))
        results.push_back(ocpp201::get_variable(model, item.as_object()));
    answer(call.id, json::object{{"getVariableResult", std::move(results)}});
}

void OcppCharger::set_variables(const ocpp::Call& call) {
    const auto model = ocpp201::device_model(config_, station_info());
    json::array results;
    std::vector<std::string> changed;
    for (const auto& item : required_array(call.payload, "setVariableData")) {
        std::string key;
        json::object r = ocpp201::set_variable(model, config_, item.as_object(), key);
        spdlog::info("event=set_variable code={} item={} status={}", spec_.code, json::serialize(item),
                     json::serialize(r.at("attributeStatus")));
        if (!key.empty()) changed.push_back(std::move(key));
        results.push_back(std::move(r));
    }
    answer(call.id, json::object{{"setVariableResult", std::move(results)}});
    for (const auto& key : changed) config_changed(key);
}

void OcppCharger::get_base_report(const ocpp::Call& call) {
    const std::int64_t request_id = ocpp::required_int(call.payload, "requestId");
    const std::string base = ocpp::required_enum(
        call.payload, "reportBase", {"ConfigurationInventory", "FullInventory", "SummaryInventory"});
    const auto variables = ocpp201::report_variables(ocpp201::device_model(config_, station_info()), base);
    if (!variables) return answer(call.id, status("NotSupported"));
    if (variables->empty()) return answer(call.id, status("EmptyResultSet"));
    answer(call.id, status("Accepted"));
    for (auto& part : ocpp201::notify_reports(*variables, request_id, wall_now()))
        queue({"NotifyReport", std::move(part)});
}

void OcppCharger::trigger_message_201(const ocpp::Call& call) {
    const std::string what = ocpp::required_string(call.payload, "requestedMessage", 50);
    std::optional<std::int64_t> evse;
    if (const json::object* e = optional_object(call.payload, "evse")) evse = ocpp::required_int(*e, "id");
    if (evse && (*evse < 0 || *evse > static_cast<int>(connectors_.size())))
        return answer(call.id, status("Rejected"));
    const bool known = what == "BootNotification" || what == "Heartbeat" || what == "StatusNotification" ||
                       what == "MeterValues" || what == "TransactionEvent" ||
                       what == "FirmwareStatusNotification" || what == "LogStatusNotification";
    if (!known) return answer(call.id, status("NotImplemented"));
    answer(call.id, status("Accepted"));
    spdlog::info("event=trigger_message code={} message={} evse={}", spec_.code, what, evse.value_or(-1));
    const auto each_connector = [&](auto&& f) {
        for (auto& con : connectors_)
            if (!evse || *evse == 0 || con.number == *evse) f(con);
    };
    if (what == "BootNotification") {
        queue({"BootNotification", boot_request("Triggered")});
    } else if (what == "Heartbeat") {
        queue({"Heartbeat", json::object{}});
    } else if (what == "StatusNotification") {
        each_connector([&](Connector& con) { queue_status(con.number); });
    } else if (what == "MeterValues" || what == "TransactionEvent") {
        each_connector([&](Connector& con) {
            if (what == "TransactionEvent" && !con.session) return;
            update_energy(con);
            queue_meter(con, "Trigger");
        });
    } else {
        queue({what, status("Idle")});
    }
}

void OcppCharger::get_transaction_status(const ocpp::Call& call) {
    const auto* id = call.payload.if_contains("transactionId");
    if (!id) return answer(call.id, json::object{{"messagesInQueue", outbox_.transaction_messages() > 0}});
    const std::string tx = ocpp::required_string(call.payload, "transactionId", 36);
    const bool ongoing = std::any_of(connectors_.begin(), connectors_.end(), [&](const Connector& c) {
        return c.session && ocpp_[c.number - 1].tx_uuid == tx;
    });
    answer(call.id,
           json::object{{"ongoingIndicator", ongoing}, {"messagesInQueue", outbox_.holds_transaction(tx)}});
}

}  // namespace kw::sim
