// /api/v1/admin/chargers/{id}/commands: the operator's commands to a charger (reset, unlock,
// availability, configuration, trigger, clear cache, local lists) and their outcome (service/charger_commands.hpp).
#include <boost/json.hpp>

#include "domain/clock.hpp"
#include "domain/error.hpp"
#include "http/handlers/handlers.hpp"
#include "service/charger_commands.hpp"
#include "service/order_queries.hpp"
#include "service/protocol_log.hpp"

namespace kw::http::handlers {

namespace {

namespace json = boost::json;

[[noreturn]] void bad(const std::string& message) { throw Error(Errc::bad_request, message); }

int connector_field(const json::object& body, std::int64_t lowest) {
    const std::int64_t n = require_int(body, "connector");
    if (n < lowest || n > 64) bad("field 'connector' must be " + std::to_string(lowest) + " to 64");
    return static_cast<int>(n);
}

// The command of a request body, and its arguments as they are recorded (the body without "kind").
std::pair<device::Command, json::object> parse_command(json::object body) {
    const std::string kind = require_string(body, "kind", 32);
    body.erase("kind");
    if (kind == "reset") {
        const std::string type = optional_string(body, "type", 8).value_or("soft");
        if (type != "soft" && type != "hard") bad("field 'type' must be soft or hard");
        json::object args{{"type", type}};
        int connector = 0;  // absent or 0: the whole charger
        if (body.contains("connector")) connector = connector_field(body, 0);
        if (connector > 0) args["connector"] = connector;
        return {device::ResetCommand{0, type == "hard", connector}, args};
    }
    if (kind == "unlock") {
        const int connector = connector_field(body, 1);
        return {device::UnlockCommand{0, connector}, json::object{{"connector", connector}}};
    }
    if (kind == "change_availability") {
        const int connector = connector_field(body, 0);
        const bool operative = require_bool(body, "operative");
        return {device::ChangeAvailabilityCommand{0, connector, operative},
                json::object{{"connector", connector}, {"operative", operative}}};
    }
    if (kind == "get_configuration") {
        device::GetConfigurationCommand c;
        json::array keys;
        if (const auto* v = body.if_contains("keys")) {
            if (!v->is_array() || v->as_array().size() > 100) bad("field 'keys' must be an array of at most 100 keys");
            for (const auto& k : v->as_array()) {
                constexpr std::size_t most = service::kMaxConfigurationKeyLength;
                if (!k.is_string() || k.as_string().empty() || k.as_string().size() > most)
                    bad("field 'keys' must hold keys of 1 to " + std::to_string(most) + " characters");
                c.keys.emplace_back(k.as_string());
                keys.emplace_back(k.as_string());
            }
        }
        return {c, json::object{{"keys", keys}}};
    }
    if (kind == "set_configuration") {
        // 50 for OCPP 1.6, longer for 2.0.1 variables: service::issue_charger_command checks it per protocol
        const std::string key = require_string(body, "key", service::kMaxConfigurationKeyLength);
        const std::string value = require_string(body, "value", 500);
        if (key.empty()) bad("field 'key' must not be empty");
        return {device::SetConfigurationCommand{0, key, value}, json::object{{"key", key}, {"value", value}}};
    }
    if (kind == "trigger_message") {
        const std::string message = require_string(body, "message", 16);
        if (message != "boot" && message != "heartbeat" && message != "status" && message != "meter")
            bad("field 'message' must be boot, heartbeat, status or meter");
        const int connector = body.contains("connector") ? connector_field(body, 0) : 0;
        return {device::TriggerMessageCommand{0, message, connector},
                json::object{{"message", message}, {"connector", connector}}};
    }
    if (kind == "clear_cache") return {device::ClearCacheCommand{}, json::object{}};
    // Every card replacing the charger's list, or the cards changed since the version it holds
    // (service/local_list.cpp fills it in).
    if (kind == "send_local_list") {
        const std::string type = optional_string(body, "update_type", 16).value_or("full");
        if (type != "full" && type != "differential") bad("field 'update_type' must be full or differential");
        device::SendLocalListCommand list;
        list.differential = type == "differential";
        return {list, json::object{{"update_type", type}}};
    }
    if (kind == "get_local_list_version") return {device::GetLocalListVersionCommand{}, json::object{}};
    bad("field 'kind' must be reset, unlock, change_availability, get_configuration, set_configuration, "
        "trigger_message, clear_cache, send_local_list or get_local_list_version");
}

json::value parsed_or_null(const std::optional<std::string>& text) {
    if (!text) return nullptr;
    boost::system::error_code ec;
    json::value v = json::parse(*text, ec);
    return ec ? json::value(nullptr) : v;
}

json::object command_json(const store::ChargerCommandRow& c) {
    return {{"id", c.id},
            {"charger_id", c.charger_id},
            {"kind", c.kind},
            {"params", parsed_or_null(c.params)},
            {"status", c.status},
            {"reason", c.reason},
            {"result", parsed_or_null(c.result)},
            {"employee_id", c.employee_id != 0 ? json::value(c.employee_id) : json::value(nullptr)},
            {"created_at", format_utc(c.created_at)},
            {"answered_at", c.answered_at ? json::value(format_utc(*c.answered_at)) : json::value(nullptr)}};
}

}  // namespace

Response admin_charger_command_create(Call& call) {
    const std::int64_t charger_id = path_id(call.req, "id");
    auto [command, params] = parse_command(parse_object(call.req.body));
    auto row = service::issue_charger_command(call.ctx, call.principal().id, charger_id, command, params);
    return json_response(command_json(row), 202);
}

Response admin_charger_commands_list(Call& call) {
    const Page page = query_page(call.req);
    auto found = service::list_charger_commands(call.ctx, path_id(call.req, "id"), page.size, page.offset());
    json::array items;
    for (const auto& c : found.items) items.push_back(command_json(c));
    return json_response(page_body(std::move(items), found.total, page));
}

Response admin_charger_command_get(Call& call) {
    return json_response(
        command_json(service::find_charger_command(call.ctx, path_id(call.req, "id"), path_id(call.req, "cid"))));
}

Response admin_charger_protocol_log(Call& call) {
    auto charger = service::find_charger_ref(call.ctx, path_id(call.req, "id"));
    if (!charger) throw Error(Errc::not_found, "no such charger");
    json::array items;
    for (const auto& e : service::protocol_log(call.ctx, charger->code))
        items.push_back(json::object{{"dir", e.from_charger ? "in" : "out"}, {"at", format_utc(e.at)}, {"frame", e.frame}});
    return json_response(json::object{{"items", std::move(items)}});
}

}  // namespace kw::http::handlers
