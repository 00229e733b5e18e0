// Chargers: the drivers' view by code or QR content, and the admin list/detail/create/edit/delete,
// credentials and connectors. Creating a charger (or resetting its credentials) answers its MQTT
// password once; only a salted hash is kept.
#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "domain/error.hpp"
#include "domain/qr.hpp"
#include "domain/validate.hpp"
#include "http/handlers/charger_input.hpp"
#include "http/handlers/handlers.hpp"
#include "http/handlers/network_json.hpp"
#include "service/account_rules.hpp"
#include "service/chargers.hpp"

namespace kw::http::handlers {

namespace json = boost::json;

namespace {

using service::kMaxConnectors;
constexpr std::int64_t kMaxRatedW = 1'000'000;  // 1 MW
constexpr std::int64_t kRecentAlarms = 10;

[[noreturn]] void bad(const std::string& message) { throw Error(Errc::bad_request, message); }

std::string parse_kind(const std::string& kind) {
    if (kind != "AC" && kind != "DC") bad("field 'kind' must be AC or DC");
    return kind;
}

std::int64_t parse_rated_w(std::int64_t w) {
    if (w < 1 || w > kMaxRatedW) bad("field 'rated_w' must be between 1 and " + std::to_string(kMaxRatedW));
    return w;
}

// "connectors": absent (one), a count 1..8, or [{number, max_w}] (max_w defaults to rated_w).
std::vector<service::ConnectorSpec> parse_connectors(const json::object& body, std::int64_t rated_w) {
    std::vector<service::ConnectorSpec> out;
    const json::value* v = body.if_contains("connectors");
    if (!v || v->is_null()) return {{1, rated_w}};
    if (v->is_int64() || v->is_uint64()) {
        std::int64_t n = v->is_int64() ? v->get_int64() : kMaxConnectors + 1;
        if (n < 1 || n > kMaxConnectors)
            bad("field 'connectors' must be between 1 and " + std::to_string(kMaxConnectors));
        for (int i = 1; i <= n; ++i) out.push_back({i, rated_w});
        return out;
    }
    if (!v->is_array()) bad("field 'connectors' must be a count or an array of {number, max_w}");
    const json::array& arr = v->get_array();
    if (arr.empty() || arr.size() > static_cast<std::size_t>(kMaxConnectors))
        bad("field 'connectors' must hold 1 to " + std::to_string(kMaxConnectors) + " connectors");
    std::set<int> seen;
    for (std::size_t i = 0; i < arr.size(); ++i) {
        std::string where = "connectors[" + std::to_string(i) + "]";
        if (!arr[i].is_object()) bad(where + " must be an object {number, max_w}");
        const json::object& o = arr[i].get_object();
        service::ConnectorSpec spec;
        spec.number = service::check_connector_number(require_int(o, "number"), where + ".number");
        spec.max_w =
            service::check_max_w(optional_int(o, "max_w").value_or(rated_w), rated_w, where + ".max_w");
        if (!seen.insert(spec.number).second)
            bad(where + ": connector " + std::to_string(spec.number) + " is listed twice");
        out.push_back(spec);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.number < b.number; });
    return out;
}

json::object admin_charger(app::Context& ctx, std::int64_t id) {
    return charger_json(ctx.config, service::admin_charger(ctx, id), true);
}

json::object mqtt_json(const service::MqttCredentials& m) {
    return {{"host", m.host},
            {"port", m.port},
            {"username", m.username},
            {"password", m.password},
            {"client_id", m.client_id}};
}

// {id, code, name, kind, rated_w, online, vendor, model, firmware, station:{id,name,address},
//  connectors, price_now}
json::object public_charger_json(app::Context& ctx, const service::PublicCharger& c) {
    json::object o = charger_json(ctx.config, c.view, false);
    if (c.station) {
        o["station"] =
            json::object{{"id", c.station->id}, {"name", c.station->name}, {"address", c.station->address}};
        o["price_now"] = price_now_json(c.tariff.get(), c.station->timezone, ctx.clock.now());
    } else {
        o["station"] = nullptr;
        o["price_now"] = nullptr;
    }
    return o;
}

int connector_no(const Request& r) {
    std::int64_t n = path_id(r, "no");
    if (n > kMaxConnectors) throw Error(Errc::not_found, "no such connector");
    return static_cast<int>(n);
}

}  // namespace

Response charger_get_public(Call& call) {
    auto charger = service::find_public_charger(call.ctx, call.req.params.at("code"));
    if (!charger) throw Error(Errc::not_found, "no such charger");
    return json_response(public_charger_json(call.ctx, *charger));
}

Response charger_by_qr(Call& call) {
    auto it = call.req.query.find("content");
    if (it == call.req.query.end() || it->second.empty()) bad("query parameter 'content' is required");
    domain::QrTarget t = domain::parse_qr_content(it->second);
    auto match = service::find_public_charger(call.ctx, t.code);
    if (!match) throw Error(Errc::not_found, "no such charger: " + t.code);
    json::object charger = public_charger_json(call.ctx, *match);
    bool found = false;
    for (const auto& c : charger.at("connectors").as_array())
        if (c.at("number").to_number<std::int64_t>() == t.connector) found = true;
    if (!found)
        throw Error(Errc::not_found,
                    "charger " + t.code + " has no connector " + std::to_string(t.connector));
    return json_response(json::object{{"charger", std::move(charger)}, {"connector", t.connector}});
}

Response admin_chargers_list(Call& call) {
    Page page = query_page(call.req);
    store::ChargerFilter filter;
    filter.q = query_string(call.req, "q");
    filter.station_id = query_int(call.req, "station_id");
    std::optional<bool> online;
    if (auto v = query_string(call.req, "online")) {
        if (*v != "true" && *v != "false") bad("query parameter 'online' must be true or false");
        online = *v == "true";
    }
    auto found = service::list_chargers(call.ctx, filter, online, page.size, page.offset());
    json::array items;
    for (const auto& v : found.items) items.push_back(charger_json(call.ctx.config, v, true));
    return json_response(page_body(std::move(items), found.total, page));
}

Response admin_charger_get(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto detail = service::charger_detail(call.ctx, id, kRecentAlarms);
    json::object o = charger_json(call.ctx.config, detail.view, true);
    json::array alarms;
    for (const auto& a : detail.recent_alarms) alarms.push_back(alarm_json(a));
    o["recent_alarms"] = std::move(alarms);
    return json_response(o);
}

service::NewCharger parse_new_charger(const json::object& body) {
    service::NewCharger c;
    c.code = require_string(body, "code", 64);
    domain::validate_charger_code(c.code);
    c.station_id = require_int(body, "station_id");
    c.name =
        service::normalize_display_name(optional_string(body, "name", 400).value_or(c.code), "name", 100);
    c.kind = parse_kind(require_string(body, "kind", 8));
    c.rated_w = parse_rated_w(require_int(body, "rated_w"));
    c.connectors = parse_connectors(body, c.rated_w);
    c.protocol = optional_string(body, "protocol", 16).value_or("kw-mqtt/1");
    if (c.protocol != "kw-mqtt/1" && c.protocol != "ocpp1.6" && c.protocol != "ocpp2.0.1")
        throw Error(Errc::bad_request, "field 'protocol' must be kw-mqtt/1, ocpp1.6 or ocpp2.0.1");
    return c;
}

json::object created_charger_json(app::Context& ctx, std::int64_t id, const service::MqttCredentials& mqtt) {
    json::object o = admin_charger(ctx, id);
    o["mqtt"] = mqtt_json(mqtt);
    // An OCPP charge point logs in to the OCPP edge with the same account (docs/ocpp.md).
    if (o.at("protocol") != "kw-mqtt/1")
        o["ocpp"] = json::object{
            {"path", "/ocpp/" + mqtt.username}, {"username", mqtt.username}, {"password", mqtt.password}};
    return o;
}

Response admin_charger_create(Call& call) {
    service::NewCharger c = parse_new_charger(parse_object(call.req.body));
    auto [id, mqtt] = service::create_charger(call.ctx, call.principal().id, c);
    return json_response(created_charger_json(call.ctx, id, mqtt), 201);
}

Response admin_charger_update(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto body = parse_object(call.req.body);
    service::update_charger(call.ctx, call.principal().id, id, [&](store::ChargerRow& row) {
        if (auto code = optional_string(body, "code", 64); code && *code != row.code)
            bad("field 'code' cannot be changed: create a new charger instead");
        if (auto name = optional_string(body, "name", 400))
            row.name = service::normalize_display_name(*name, "name", 100);
        if (auto kind = optional_string(body, "kind", 8)) row.kind = parse_kind(*kind);
        if (auto rated = optional_int(body, "rated_w")) row.rated_w = parse_rated_w(*rated);
        if (auto station = optional_int(body, "station_id")) row.station_id = *station;
    });
    return json_response(admin_charger(call.ctx, id));
}

Response admin_charger_delete(Call& call) {
    service::delete_charger(call.ctx, call.principal().id, path_id(call.req, "id"));
    return no_content();
}

Response admin_charger_reset_credentials(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto mqtt = service::reset_charger_credentials(call.ctx, call.principal().id, id);
    json::object o = admin_charger(call.ctx, id);
    o["mqtt"] = mqtt_json(mqtt);
    if (o["protocol"] != "kw-mqtt/1")
        o["ocpp"] = json::object{{"path", "/ocpp/" + mqtt.username}, {"username", mqtt.username},
                                 {"password", mqtt.password}};
    return json_response(o);
}

Response admin_connector_create(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto body = parse_object(call.req.body);
    std::optional<int> number;
    if (auto n = optional_int(body, "number")) number = service::check_connector_number(*n, "field 'number'");
    service::add_connector(call.ctx, call.principal().id, id, number, optional_int(body, "max_w"));
    return json_response(admin_charger(call.ctx, id), 201);
}

Response admin_connector_update(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    const int number = connector_no(call.req);
    auto body = parse_object(call.req.body);
    service::update_connector(call.ctx, call.principal().id, id, number, require_int(body, "max_w"));
    return json_response(admin_charger(call.ctx, id));
}

Response admin_connector_delete(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    const int number = connector_no(call.req);
    service::delete_connector(call.ctx, call.principal().id, id, number);
    return no_content();
}

}  // namespace kw::http::handlers
