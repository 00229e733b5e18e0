// The core's commands as 2.0.1 CALLs, and their answers as the kw-mqtt/1 `ack` the core reads (the
// same acks as a 1.6 charge point's, v16/operator_commands.cpp):
//   start                  RequestStartTransaction {evseId, remoteStartId = order, idToken "KW-O<order>" Central}
//   stop                   RequestStopTransaction {transactionId: the station's}
//   reset                  Reset {type: Immediate (hard) | OnIdle, evseId: the connector, if one is named}
//   unlock                 UnlockConnector {evseId, connectorId 1}
//   change_availability    ChangeAvailability {operationalStatus, evse (none for connector 0: the station)}
//   get_configuration      GetVariables (keys given) or GetBaseReport FullInventory, whose NotifyReport
//                          parts (tbc) are assembled into one answer: {configuration, unknown_keys}
//   set_configuration      SetVariables (Actual)
//   trigger_message        TriggerMessage
//   clear_cache, send_local_list, get_local_list_version: ClearCache, SendLocalList, GetLocalListVersion
// A variable is named "Component[instance]@evse.connector/Variable[instance]" (variable_key).
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "timestamp.hpp"
#include "v16/station.hpp"
#include "v201/station.hpp"

namespace kw::ocpp::v201 {

namespace json = boost::json;

namespace {

std::string_view requested_message(std::string_view kw_message) {
    if (kw_message == "boot") return "BootNotification";
    if (kw_message == "heartbeat") return "Heartbeat";
    if (kw_message == "status") return "StatusNotification";
    if (kw_message == "meter") return "MeterValues";
    return "";
}

std::string text(const json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// "Name[instance]" -> {"name", "instance"}; false: empty name or a bracket out of place.
bool parse_named(std::string_view s, json::object& out) {
    std::string_view name = s, instance;
    if (auto open = s.find('['); open != std::string_view::npos) {
        if (s.back() != ']' || open + 2 > s.size() - 1) return false;
        name = s.substr(0, open);
        instance = s.substr(open + 1, s.size() - open - 2);
    }
    if (name.empty() || name.find_first_of("[]@/") != std::string_view::npos) return false;
    out["name"] = name;
    if (!instance.empty()) out["instance"] = instance;
    return true;
}

}  // namespace

std::string variable_key(const json::object& component, const json::object& variable) {
    std::string key = text(component, "name");
    if (auto instance = text(component, "instance"); !instance.empty()) key += "[" + instance + "]";
    if (const auto* evse = component.if_contains("evse")) {
        key += "@" + std::to_string(evse->as_object().at("id").as_int64());
        if (const auto* c = evse->as_object().if_contains("connectorId")) key += "." + std::to_string(c->as_int64());
    }
    key += "/" + text(variable, "name");
    if (auto instance = text(variable, "instance"); !instance.empty()) key += "[" + instance + "]";
    return key;
}

std::optional<std::pair<json::object, json::object>> parse_variable_key(std::string_view key) {
    const auto slash = key.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    std::string_view comp = key.substr(0, slash);
    json::object component, variable;
    if (auto at = comp.find('@'); at != std::string_view::npos) {
        const std::string evse_text(comp.substr(at + 1));
        comp = comp.substr(0, at);
        json::object evse;
        try {
            std::size_t used = 0;
            const auto dot = evse_text.find('.');
            evse["id"] = std::stoll(evse_text.substr(0, dot), &used);
            if (used != (dot == std::string::npos ? evse_text.size() : dot)) return std::nullopt;
            if (dot != std::string::npos) {
                evse["connectorId"] = std::stoll(evse_text.substr(dot + 1), &used);
                if (used != evse_text.size() - dot - 1) return std::nullopt;
            }
        } catch (const std::exception&) {
            return std::nullopt;
        }
        component["evse"] = std::move(evse);
    }
    if (!parse_named(comp, component) || !parse_named(key.substr(slash + 1), variable)) return std::nullopt;
    return std::pair{std::move(component), std::move(variable)};
}

void Station::ack(std::string_view corr, std::string_view cmd, bool accepted, std::string_view reason,
                  const json::object& result) {
    json::object a{{"corr", corr}, {"cmd", cmd}, {"accepted", accepted}, {"reason", reason}};
    if (!result.empty()) a["result"] = result;
    io_.publish("ack", json::serialize(a), 1);
}

void Station::remote_start(const json::object& cmd) {
    const std::string corr(cmd.at("corr").as_string());
    const std::int64_t connector = cmd.at("connector").as_int64();
    const std::int64_t order = cmd.at("order_id").as_int64();
    if (Tx* tx = tx_of_order(order); tx && !tx->ended) return ack(corr, "start", true, "");
    if (std::find(ended_orders_.begin(), ended_orders_.end(), order) != ended_orders_.end())
        return ack(corr, "start", false, "already_ended");
    if (!remote_starts_.insert(order).second) return;  // queued or sent already
    queue_call(Outgoing{"RequestStartTransaction",
                        json::object{{"evseId", connector},
                                     {"remoteStartId", order},
                                     {"idToken", {{"idToken", order_tag(order)}, {"type", "Central"}}}},
                        corr, "start"});
}

void Station::remote_stop(const json::object& cmd) {
    const std::string corr(cmd.at("corr").as_string());
    const std::int64_t order = cmd.at("order_id").as_int64();
    std::string transaction;
    for (const auto& [id, tx] : transactions_)
        if (tx.order == order) transaction = id;
    if (transaction.empty()) {
        if (std::find(ended_orders_.begin(), ended_orders_.end(), order) != ended_orders_.end())
            return ack(corr, "stop", true, "");
        // The core names the order's transaction as this edge named it ("T-<the station's id>"): an
        // edge that restarted still stops it, and binds it to the order again for its Ended.
        const auto* named = cmd.if_contains("tx_id");
        if (!named || !named->is_string() || !named->as_string().starts_with("T-")) {
            spdlog::warn("event=ocpp_stop_unknown_order code={} order={}", code_, order);
            return ack(corr, "stop", false, "unknown_transaction");
        }
        transaction = std::string(named->as_string()).substr(2);
        Tx& tx = transactions_[transaction];
        if (tx.order == 0) tx.order = order;
        if (tx.kw_tx_id.empty()) tx.kw_tx_id = "T-" + transaction;
        if (tx.connector < 1) tx.connector = static_cast<int>(cmd.at("connector").as_int64());
    }
    if (transactions_[transaction].ended) return ack(corr, "stop", true, "");
    for (const auto& o : outgoing_)
        if (o.action == "RequestStopTransaction" && o.payload.at("transactionId").as_string() == transaction) return;
    queue_call(Outgoing{"RequestStopTransaction", json::object{{"transactionId", transaction}}, corr, "stop"});
}

void Station::operator_command(std::string_view name, const json::object& cmd) {
    const std::string corr(cmd.at("corr").as_string());
    const std::string kind(name);
    auto call = [&](std::string action, json::object payload) {
        queue_call(Outgoing{std::move(action), std::move(payload), corr, kind});
    };
    if (name == "reset") {
        json::object payload{{"type", cmd.at("hard").as_bool() ? "Immediate" : "OnIdle"}};
        if (const auto* c = cmd.if_contains("connector"); c && c->as_int64() > 0) payload["evseId"] = *c;  // one EVSE
        return call("Reset", std::move(payload));
    }
    if (name == "unlock") return call("UnlockConnector", {{"evseId", cmd.at("connector").as_int64()}, {"connectorId", 1}});
    if (name == "change_availability") {
        json::object payload{{"operationalStatus", cmd.at("operative").as_bool() ? "Operative" : "Inoperative"}};
        if (const auto connector = cmd.at("connector").as_int64(); connector > 0) payload["evse"] = {{"id", connector}};
        return call("ChangeAvailability", std::move(payload));
    }
    if (name == "get_configuration") {
        const auto* keys = cmd.if_contains("keys");
        if (!keys || keys->as_array().empty())
            return call("GetBaseReport",
                        {{"requestId", static_cast<std::int64_t>(next_id_++)}, {"reportBase", "FullInventory"}});
        json::array data;
        json::array unknown;
        for (const auto& k : keys->as_array()) {
            auto parsed = parse_variable_key(k.as_string());
            if (!parsed) {
                unknown.push_back(k);
                continue;
            }
            data.push_back(json::object{{"component", parsed->first}, {"variable", parsed->second}});
        }
        if (data.empty())
            return ack(corr, kind, true, "", json::object{{"configuration", json::array{}}, {"unknown_keys", unknown}});
        if (!unknown.empty()) unparsed_keys_[corr] = std::move(unknown);  // unknown too in the answer
        return call("GetVariables", {{"getVariableData", std::move(data)}});
    }
    if (name == "set_configuration") {
        auto parsed = parse_variable_key(cmd.at("key").as_string());
        if (!parsed) return ack(corr, kind, false, "unknown_key");
        return call("SetVariables", {{"setVariableData", json::array{json::object{{"attributeValue", cmd.at("value")},
                                                                                  {"component", parsed->first},
                                                                                  {"variable", parsed->second}}}}});
    }
    if (name == "trigger_message") {
        const std::string_view message = requested_message(cmd.at("message").as_string());
        if (message.empty()) return ack(corr, kind, false, "unknown_message");
        json::object payload{{"requestedMessage", message}};
        if (const auto connector = cmd.at("connector").as_int64(); connector > 0) {
            json::object evse{{"id", connector}};
            if (message == "StatusNotification") evse["connectorId"] = 1;
            payload["evse"] = std::move(evse);
        }
        return call("TriggerMessage", std::move(payload));
    }
    if (name == "clear_cache") return call("ClearCache", {});
    if (name == "get_local_list_version") return call("GetLocalListVersion", {});
    if (name == "send_local_list") {
        json::array list;
        for (const auto& e : cmd.at("entries").as_array()) {
            const json::object& o = e.as_object();
            json::object info{{"status", v16::ocpp_id_tag_status(o.at("status").as_string())}};
            if (const auto* expires = o.if_contains("expires_at")) info["cacheExpiryDateTime"] = *expires;
            list.push_back(json::object{{"idToken", {{"idToken", o.at("id_tag")}, {"type", "ISO14443"}}},
                                        {"idTokenInfo", std::move(info)}});
        }
        const auto* type = cmd.if_contains("update_type");
        const bool differential = type && type->is_string() && type->as_string() == "differential";
        json::object payload{{"versionNumber", cmd.at("list_version").as_int64()},
                             {"updateType", differential ? "Differential" : "Full"}};
        if (!list.empty()) payload["localAuthorizationList"] = std::move(list);
        return call("SendLocalList", std::move(payload));
    }
}

void Station::notify_report(const Call& call) {
    const json::object& p = call.payload.as_object();
    const std::int64_t request = p.at("requestId").as_int64();
    auto report = reports_.find(request);
    if (report == reports_.end()) {
        spdlog::info("event=ocpp_report_unexpected code={} request_id={}", code_, request);
        return answer(call.id, json::object{});
    }
    if (const auto* data = p.if_contains("reportData"))
        for (const auto& item : data->as_array()) {
            const json::object& d = item.as_object();
            for (const auto& attr : d.at("variableAttribute").as_array()) {
                const json::object& a = attr.as_object();
                if (const auto type = text(a, "type"); !type.empty() && type != "Actual") continue;
                json::object entry{{"key", variable_key(d.at("component").as_object(), d.at("variable").as_object())},
                                   {"readonly", text(a, "mutability") == "ReadOnly"}};
                entry["value"] = a.contains("value") ? a.at("value") : json::value(nullptr);
                report->second.configuration.push_back(std::move(entry));
            }
        }
    answer(call.id, json::object{});
    if (p.contains("tbc") && p.at("tbc").as_bool()) return;
    ack(report->second.corr, "get_configuration", true, "",
        json::object{{"configuration", std::move(report->second.configuration)}, {"unknown_keys", json::array{}}});
    reports_.erase(report);
}

// Our CALL was answered (result), refused (error: its code) or not answered (error "no_answer").
void Station::finish_outgoing(std::optional<json::object> result, std::string_view error) {
    Outgoing done = std::move(outgoing_.front());
    outgoing_.pop_front();
    in_flight_id_.reset();
    json::array unparsed;  // a GetVariables' keys that named no variable
    if (auto it = unparsed_keys_.find(done.corr); it != unparsed_keys_.end() && done.action == "GetVariables") {
        unparsed = std::move(it->second);
        unparsed_keys_.erase(it);
    }
    const std::string_view status = result && result->contains("status") && result->at("status").is_string()
                                        ? std::string_view(result->at("status").as_string())
                                        : std::string_view();
    if (done.cmd == "tx_status") {
        // After a boot: a transaction the station no longer runs and holds nothing of is ended at its
        // last reading (the core bills it); one with messages queued waits for its Ended.
        auto it = transactions_.find(done.corr);
        if (result && it != transactions_.end() && !it->second.ended && !it->second.kw_tx_id.empty()) {
            Tx& tx = it->second;
            const bool ongoing = !result->contains("ongoingIndicator") || result->at("ongoingIndicator").as_bool();
            if (!ongoing && !result->at("messagesInQueue").as_bool()) {
                spdlog::warn("event=ocpp_tx_lost code={} transaction={} order={}", code_, done.corr, tx.order);
                tx.ended = true;
                publish_tx(tx.kw_tx_id, 2,
                           json::object{{"event", "ended"}, {"tx_id", tx.kw_tx_id}, {"seq", 2},
                                        {"connector", tx.connector}, {"order_id", tx.order},
                                        {"meter_wh", *tx.last_wh}, {"meter_start_wh", tx.meter_start_wh},
                                        {"started_at", tx.started_at}, {"ts", format_time(io_.now())},
                                        {"reason", "reboot"}});
            }
        }
        return send_next_call();
    }
    if (done.cmd == "start") {
        const std::int64_t order = done.payload.at("remoteStartId").as_int64();
        if (status != "Accepted") remote_starts_.erase(order);
        // Already in a transaction (plugged in first): that transaction is the order's.
        if (const auto* id = result ? result->if_contains("transactionId") : nullptr; id && status == "Accepted") {
            Tx& tx = transactions_[std::string(id->as_string())];
            if (tx.order == 0 && tx.id_token.empty()) tx.order = order;
        }
    }
    if (done.cmd.empty()) {
        if (status != "Accepted" && !(done.action == "SetVariables" && result))
            spdlog::warn("event=ocpp_call_not_accepted code={} action={} reason={}", code_, done.action,
                         result ? status : error);
        return send_next_call();
    }
    if (!result) {
        // The core repeats a start or a stop itself; an operator's command learns why it failed.
        if (done.cmd != "start" && done.cmd != "stop")
            ack(done.corr, done.cmd, false, error == "no_answer" || error == "bad_answer"
                                                ? std::string(error)
                                                : v16::error_answer(error).reason);
        return send_next_call();
    }
    const json::object& r = *result;
    if (done.action == "GetBaseReport") {
        const std::int64_t request = done.payload.at("requestId").as_int64();
        if (status == "Accepted")
            reports_[request] = Report{done.corr, io_.now() + settings_.report_timeout_ms, {}};
        else if (status == "EmptyResultSet")
            ack(done.corr, done.cmd, true, "", json::object{{"configuration", json::array{}}, {"unknown_keys", json::array{}}});
        else
            ack(done.corr, done.cmd, false, v16::interpret_answer("", r).reason);
    } else if (done.action == "GetVariables") {
        json::array configuration, unknown = std::move(unparsed);
        for (const auto& item : r.at("getVariableResult").as_array()) {
            const json::object& v = item.as_object();
            const std::string key = variable_key(v.at("component").as_object(), v.at("variable").as_object());
            if (v.at("attributeStatus").as_string() != "Accepted") {
                unknown.push_back(json::string(key));
                continue;
            }
            json::object entry{{"key", key}, {"readonly", false}};
            entry["value"] = v.contains("attributeValue") ? v.at("attributeValue") : json::value(nullptr);
            configuration.push_back(std::move(entry));
        }
        ack(done.corr, done.cmd, true, "", json::object{{"configuration", configuration}, {"unknown_keys", unknown}});
    } else if (done.action == "SetVariables") {
        const json::object& first = r.at("setVariableResult").as_array().at(0).as_object();
        json::object as_status{{"status", first.at("attributeStatus")}};
        const v16::Answer a = v16::interpret_answer("", as_status);
        ack(done.corr, done.cmd, a.accepted, a.reason);
    } else if (done.action == "GetLocalListVersion") {
        ack(done.corr, done.cmd, true, "", json::object{{"list_version", r.at("versionNumber").as_int64()}});
    } else {
        const v16::Answer a = v16::interpret_answer(done.action, r);
        ack(done.corr, done.cmd, a.accepted, a.reason);
    }
    send_next_call();
}

}  // namespace kw::ocpp::v201
