// The operator's commands (kw-mqtt/1 `reset`, `unlock`, `change_availability`, `get_configuration`,
// `set_configuration`, `trigger_message`, `clear_cache`, `send_local_list`, `get_local_list_version`;
// service/charger_commands.hpp in the core) as the OCPP 1.6 calls of the same meaning, and every
// answer of ours as the `ack` the core reads: accepted or not, the reason (the 1.6 status in snake
// case when it is not plain Accepted), and for GetConfiguration and GetLocalListVersion what the
// charger answered as `result`.
#include <boost/json/serialize.hpp>
#include <cctype>
#include <spdlog/spdlog.h>

#include "v16/station.hpp"

namespace kw::ocpp::v16 {

namespace json = boost::json;

namespace {

// "UnlockFailed" -> "unlock_failed"
std::string snake(std::string_view status) {
    std::string out;
    for (char c : status) {
        if (std::isupper(static_cast<unsigned char>(c))) {
            if (!out.empty()) out += '_';
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else {
            out += c;
        }
    }
    return out;
}

std::string_view requested_message(std::string_view kw_message) {
    if (kw_message == "boot") return "BootNotification";
    if (kw_message == "heartbeat") return "Heartbeat";
    if (kw_message == "status") return "StatusNotification";
    if (kw_message == "meter") return "MeterValues";
    return "";
}

}  // namespace

Answer interpret_answer(std::string_view action, const json::object& p) {
    if (action == "GetLocalListVersion")
        return Answer{true, "", json::object{{"list_version", p.at("listVersion").as_int64()}}};
    if (action == "GetConfiguration") {
        json::array configuration, unknown;
        if (const auto* keys = p.if_contains("configurationKey"))
            for (const auto& k : keys->as_array()) {
                const json::object& o = k.as_object();
                json::object item{{"key", o.at("key")}, {"readonly", o.at("readonly")}};
                item["value"] = o.contains("value") ? o.at("value") : json::value(nullptr);
                configuration.push_back(std::move(item));
            }
        if (const auto* keys = p.if_contains("unknownKey")) unknown = keys->as_array();
        return Answer{true, "", json::object{{"configuration", configuration}, {"unknown_keys", unknown}}};
    }
    const auto* s = p.if_contains("status");
    const std::string_view status = s && s->is_string() ? std::string_view(s->as_string()) : "";
    if (status == "Accepted" || (action == "UnlockConnector" && status == "Unlocked")) return Answer{true, "", {}};
    // Accepted, with a condition the operator should see.
    if (status == "Scheduled" || status == "RebootRequired") return Answer{true, snake(status), {}};
    return Answer{false, status.empty() ? "rejected" : snake(status), {}};
}

Answer error_answer(std::string_view error_code) { return Answer{false, snake(error_code), {}}; }

void Station::operator_command(std::string_view name, const json::object& cmd) {
    const std::string corr(cmd.at("corr").as_string());
    const std::string kind(name);
    auto call = [&](std::string action, json::object payload) {
        queue_call(Outgoing{std::move(action), std::move(payload), corr, kind});
    };
    if (name == "reset") return call("Reset", {{"type", cmd.at("hard").as_bool() ? "Hard" : "Soft"}});
    if (name == "unlock") return call("UnlockConnector", {{"connectorId", cmd.at("connector").as_int64()}});
    if (name == "change_availability")
        return call("ChangeAvailability", {{"connectorId", cmd.at("connector").as_int64()},
                                           {"type", cmd.at("operative").as_bool() ? "Operative" : "Inoperative"}});
    if (name == "get_configuration") {
        json::object payload;
        if (const auto* keys = cmd.if_contains("keys"); keys && !keys->as_array().empty()) payload["key"] = *keys;
        return call("GetConfiguration", std::move(payload));
    }
    if (name == "set_configuration")
        return call("ChangeConfiguration", {{"key", cmd.at("key")}, {"value", cmd.at("value")}});
    if (name == "trigger_message") {
        const std::string_view message = requested_message(cmd.at("message").as_string());
        if (message.empty()) return ack(corr, kind, false, "unknown_message");
        json::object payload{{"requestedMessage", message}};
        if (const auto connector = cmd.at("connector").as_int64(); connector > 0) payload["connectorId"] = connector;
        return call("TriggerMessage", std::move(payload));
    }
    if (name == "clear_cache") return call("ClearCache", {});
    if (name == "get_local_list_version") return call("GetLocalListVersion", {});
    if (name == "send_local_list") {
        json::array list;
        for (const auto& e : cmd.at("entries").as_array()) {
            const json::object& o = e.as_object();
            json::object info{{"status", ocpp_id_tag_status(o.at("status").as_string())}};
            if (const auto* expires = o.if_contains("expires_at")) info["expiryDate"] = *expires;
            list.push_back(json::object{{"idTag", o.at("id_tag")}, {"idTagInfo", std::move(info)}});
        }
        // Absent: a core from before differential updates, which sent only full lists.
        const auto* type = cmd.if_contains("update_type");
        const bool differential = type && type->is_string() && type->as_string() == "differential";
        return call("SendLocalList", {{"listVersion", cmd.at("list_version").as_int64()},
                                      {"updateType", differential ? "Differential" : "Full"},
                                      {"localAuthorizationList", std::move(list)}});
    }
}

}  // namespace kw::ocpp::v16
