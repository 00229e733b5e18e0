// Chargers: the drivers' view by code or QR content, and the admin list/detail/create/edit/delete,
// credentials and connectors. Creating a charger (or resetting its credentials) answers its MQTT
// password once; only a salted hash is kept.
#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "domain/error.hpp"
#include "domain/qr.hpp"
#include "domain/validate.hpp"
#include "http/handlers/handlers.hpp"
#include "http/handlers/network_json.hpp"
#include "service/account_rules.hpp"
#include "service/audit.hpp"
#include "service/network.hpp"
#include "store/alarms_repo.hpp"
#include "store/chargers_repo.hpp"
#include "store/db.hpp"
#include "store/stations_repo.hpp"

namespace kw::http::handlers {

namespace json = boost::json;

namespace {

constexpr int kMaxConnectors = 8;
constexpr std::int64_t kMaxRatedW = 1'000'000;  // 1 MW
constexpr std::int64_t kRecentAlarms = 10;

[[noreturn]] void bad(const std::string& message) { throw Error(Errc::bad_request, message); }

std::string target(std::int64_t id) { return "charger:" + std::to_string(id); }

std::string parse_kind(const std::string& kind) {
    if (kind != "AC" && kind != "DC") bad("field 'kind' must be AC or DC");
    return kind;
}

std::int64_t parse_rated_w(std::int64_t w) {
    if (w < 1 || w > kMaxRatedW) bad("field 'rated_w' must be between 1 and " + std::to_string(kMaxRatedW));
    return w;
}

std::int64_t parse_max_w(std::int64_t w, std::int64_t rated_w, const std::string& where) {
    if (w < 1 || w > rated_w)
        bad(where + " must be between 1 and the charger's rated_w (" + std::to_string(rated_w) + ")");
    return w;
}

int parse_number(std::int64_t n, const std::string& where) {
    if (n < 1 || n > kMaxConnectors) bad(where + " must be between 1 and " + std::to_string(kMaxConnectors));
    return static_cast<int>(n);
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
        spec.number = parse_number(require_int(o, "number"), where + ".number");
        spec.max_w = parse_max_w(optional_int(o, "max_w").value_or(rated_w), rated_w, where + ".max_w");
        if (!seen.insert(spec.number).second)
            bad(where + ": connector " + std::to_string(spec.number) + " is listed twice");
        out.push_back(spec);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.number < b.number; });
    return out;
}

store::ChargerRow require_charger(soci::session& sql, std::int64_t id) {
    auto row = store::find_charger(sql, id);
    if (!row) throw Error(Errc::not_found, "no such charger");
    return *row;
}

json::object admin_charger(app::Context& ctx, soci::session& sql, std::int64_t id) {
    auto views = service::charger_views(ctx, sql, {require_charger(sql, id)}, true);
    return charger_json(ctx.config, views.front(), true);
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
json::object public_charger(app::Context& ctx, soci::session& sql, store::ChargerRow row) {
    auto views = service::charger_views(ctx, sql, {std::move(row)});
    const service::ChargerView& v = views.front();
    json::object o = charger_json(ctx.config, v, false);
    auto station = store::find_station(sql, v.row.station_id);
    if (station) {
        o["station"] =
            json::object{{"id", station->id}, {"name", station->name}, {"address", station->address}};
        TariffCache tariffs(sql);
        o["price_now"] = price_now_json(tariffs.get(station->tariff_id), station->timezone, ctx.clock.now());
    } else {
        o["station"] = nullptr;
        o["price_now"] = nullptr;
    }
    return o;
}

void audit_connector(app::Context& ctx, soci::session& sql, std::int64_t employee_id, const char* action,
                     std::int64_t charger_id, int number, std::optional<std::int64_t> max_w) {
    json::object detail{{"number", number}};
    if (max_w) detail["max_w"] = *max_w;
    service::audit(sql, employee_id, action, target(charger_id), detail, ctx.clock.now());
}

int connector_no(const Request& r) {
    std::int64_t n = path_id(r, "no");
    if (n > kMaxConnectors) throw Error(Errc::not_found, "no such connector");
    return static_cast<int>(n);
}

}  // namespace

Response charger_get_public(Call& call) {
    auto code = call.req.params.at("code");
    auto s = call.ctx.db.session();
    auto row = store::find_charger_by_code(*s, code);
    if (!row) throw Error(Errc::not_found, "no such charger");
    return json_response(public_charger(call.ctx, *s, std::move(*row)));
}

Response charger_by_qr(Call& call) {
    auto it = call.req.query.find("content");
    if (it == call.req.query.end() || it->second.empty()) bad("query parameter 'content' is required");
    domain::QrTarget t = domain::parse_qr_content(it->second);
    auto s = call.ctx.db.session();
    auto row = store::find_charger_by_code(*s, t.code);
    if (!row) throw Error(Errc::not_found, "no such charger: " + t.code);
    json::object charger = public_charger(call.ctx, *s, std::move(*row));
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
    auto s = call.ctx.db.session();
    json::array items;
    std::int64_t total = 0;
    if (!online) {
        total = store::count_chargers(*s, filter);
        auto views = service::charger_views(call.ctx, *s,
                                            store::list_chargers(*s, filter, page.size, page.offset()), true);
        for (const auto& v : views) items.push_back(charger_json(call.ctx.config, v, true));
    } else {
        // Online is known to Redis only: filter every match, then take the page.
        auto views = service::charger_views(call.ctx, *s, store::list_chargers(*s, filter, -1, 0));
        std::erase_if(views, [&](const auto& v) { return v.online != *online; });
        total = static_cast<std::int64_t>(views.size());
        std::vector<store::ChargerRow> rows;
        for (std::int64_t i = page.offset(); i < total && i < page.offset() + page.size; ++i)
            rows.push_back(views[i].row);
        for (const auto& v : service::charger_views(call.ctx, *s, std::move(rows), true))
            items.push_back(charger_json(call.ctx.config, v, true));
    }
    return json_response(page_body(std::move(items), total, page));
}

Response admin_charger_get(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto s = call.ctx.db.session();
    json::object o = admin_charger(call.ctx, *s, id);
    store::AlarmFilter filter;
    filter.charger_id = id;
    json::array alarms;
    for (const auto& a : store::list_alarms(*s, filter, kRecentAlarms, 0)) alarms.push_back(alarm_json(a));
    o["recent_alarms"] = std::move(alarms);
    return json_response(o);
}

Response admin_charger_create(Call& call) {
    auto body = parse_object(call.req.body);
    service::NewCharger c;
    c.code = require_string(body, "code", 64);
    domain::validate_charger_code(c.code);
    c.station_id = require_int(body, "station_id");
    c.name =
        service::normalize_display_name(optional_string(body, "name", 400).value_or(c.code), "name", 100);
    c.kind = parse_kind(require_string(body, "kind", 8));
    c.rated_w = parse_rated_w(require_int(body, "rated_w"));
    c.connectors = parse_connectors(body, c.rated_w);
    auto [id, mqtt] = service::create_charger(call.ctx, call.principal().id, c);
    auto s = call.ctx.db.session();
    json::object o = admin_charger(call.ctx, *s, id);
    o["mqtt"] = mqtt_json(mqtt);
    return json_response(o, 201);
}

Response admin_charger_update(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto body = parse_object(call.req.body);
    auto s = call.ctx.db.session();
    soci::transaction tr(*s);
    store::ChargerRow row = require_charger(*s, id);
    if (auto code = optional_string(body, "code", 64); code && *code != row.code)
        bad("field 'code' cannot be changed: create a new charger instead");
    if (auto name = optional_string(body, "name", 400))
        row.name = service::normalize_display_name(*name, "name", 100);
    if (auto kind = optional_string(body, "kind", 8)) row.kind = parse_kind(*kind);
    if (auto rated = optional_int(body, "rated_w")) row.rated_w = parse_rated_w(*rated);
    if (auto station = optional_int(body, "station_id")) {
        if (*station <= 0 || !store::find_station(*s, *station))
            bad("field 'station_id': station " + std::to_string(*station) + " does not exist");
        row.station_id = *station;
    }
    for (const auto& c : store::connectors_of(*s, {id}))
        if (c.max_w > row.rated_w)
            bad("field 'rated_w' is below connector " + std::to_string(c.number) + "'s max_w (" +
                std::to_string(c.max_w) + ")");
    UtcMs now = call.ctx.clock.now();
    store::update_charger(*s, row, now);
    service::audit(*s, call.principal().id, "charger.update", target(id),
                   {{"code", row.code},
                    {"name", row.name},
                    {"station_id", row.station_id},
                    {"kind", row.kind},
                    {"rated_w", row.rated_w}},
                   now);
    tr.commit();
    return json_response(admin_charger(call.ctx, *s, id));
}

Response admin_charger_delete(Call& call) {
    service::delete_charger(call.ctx, call.principal().id, path_id(call.req, "id"));
    return no_content();
}

Response admin_charger_reset_credentials(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto mqtt = service::reset_charger_credentials(call.ctx, call.principal().id, id);
    auto s = call.ctx.db.session();
    json::object o = admin_charger(call.ctx, *s, id);
    o["mqtt"] = mqtt_json(mqtt);
    return json_response(o);
}

Response admin_connector_create(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto body = parse_object(call.req.body);
    auto s = call.ctx.db.session();
    soci::transaction tr(*s);
    store::ChargerRow row = require_charger(*s, id);
    auto existing = store::connectors_of(*s, {id});
    if (existing.size() >= static_cast<std::size_t>(kMaxConnectors))
        throw Error(Errc::conflict, "charger already has " + std::to_string(kMaxConnectors) + " connectors");
    int number = 0;
    if (auto n = optional_int(body, "number")) {
        number = parse_number(*n, "field 'number'");
    } else {
        std::set<int> used;
        for (const auto& c : existing) used.insert(c.number);
        for (number = 1; used.count(number); ++number) {
        }
    }
    std::int64_t max_w =
        parse_max_w(optional_int(body, "max_w").value_or(row.rated_w), row.rated_w, "field 'max_w'");
    store::insert_connector(*s, id, number, max_w);
    audit_connector(call.ctx, *s, call.principal().id, "connector.create", id, number, max_w);
    tr.commit();
    return json_response(admin_charger(call.ctx, *s, id), 201);
}

Response admin_connector_update(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    const int number = connector_no(call.req);
    auto body = parse_object(call.req.body);
    auto s = call.ctx.db.session();
    soci::transaction tr(*s);
    store::ChargerRow row = require_charger(*s, id);
    std::int64_t max_w = parse_max_w(require_int(body, "max_w"), row.rated_w, "field 'max_w'");
    if (!store::update_connector(*s, id, number, max_w)) throw Error(Errc::not_found, "no such connector");
    audit_connector(call.ctx, *s, call.principal().id, "connector.update", id, number, max_w);
    tr.commit();
    return json_response(admin_charger(call.ctx, *s, id));
}

Response admin_connector_delete(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    const int number = connector_no(call.req);
    auto s = call.ctx.db.session();
    soci::transaction tr(*s);
    require_charger(*s, id);
    if (store::count_active_orders(*s, id, number) > 0)
        throw Error(Errc::conflict, "connector " + std::to_string(number) + " has an active order");
    if (!store::delete_connector(*s, id, number)) throw Error(Errc::not_found, "no such connector");
    audit_connector(call.ctx, *s, call.principal().id, "connector.delete", id, number, std::nullopt);
    tr.commit();
    return no_content();
}

}  // namespace kw::http::handlers
