// Stations: the drivers' list, nearby search and detail (with live connector status), and the admin
// create/edit/delete. Coordinates are accepted in WGS-84 only ("datum", if given, must be "wgs84");
// responses carry both WGS-84 and GCJ-02 (for Amap/Tencent maps). The nearby search also takes a
// GCJ-02 point (datum=gcj02), turned back into WGS-84 by iterating the forward transform.
#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <map>

#include "domain/error.hpp"
#include "domain/geo.hpp"
#include "domain/station_search.hpp"
#include "domain/validate.hpp"
#include "http/handlers/handlers.hpp"
#include "http/handlers/network_json.hpp"
#include "service/account_rules.hpp"
#include "service/audit.hpp"
#include "service/network.hpp"
#include "service/tariff_cache.hpp"
#include "store/chargers_repo.hpp"
#include "store/db.hpp"
#include "store/stations_repo.hpp"
#include "store/tariffs_repo.hpp"

namespace kw::http::handlers {

namespace json = boost::json;

namespace {

constexpr double kDefaultRadiusM = 50'000;
constexpr double kMaxRadiusM = 500'000;
constexpr std::int64_t kDefaultNearbyLimit = 20;
constexpr std::int64_t kMaxNearbyLimit = 100;
constexpr std::size_t kNearbyChunk = 50;  // candidates whose chargers are loaded at a time

[[noreturn]] void bad(const std::string& message) { throw Error(Errc::bad_request, message); }

std::string target(std::int64_t id) { return "station:" + std::to_string(id); }

bool query_flag(const Request& r, const char* name) {
    auto v = query_string(r, name);
    if (!v) return false;
    if (*v == "true" || *v == "1") return true;
    if (*v == "false" || *v == "0") return false;
    bad(std::string("query parameter '") + name + "' must be true or false");
}

// Chargers (with live state) of these stations, by station id.
std::map<std::int64_t, std::vector<service::ChargerView>> chargers_by_station(
    app::Context& ctx, soci::session& sql, const std::vector<std::int64_t>& ids) {
    std::map<std::int64_t, std::vector<service::ChargerView>> out;
    for (auto& v : service::charger_views(ctx, sql, store::chargers_of_stations(sql, ids)))
        out[v.row.station_id].push_back(std::move(v));
    return out;
}

store::StationRow require_station(soci::session& sql, std::int64_t id) {
    auto row = store::find_station(sql, id);
    if (!row) throw Error(Errc::not_found, "no such station");
    return *row;
}

// Summary + tariff + chargers.
json::object station_detail(app::Context& ctx, soci::session& sql, const store::StationRow& station) {
    auto chargers = chargers_by_station(ctx, sql, {station.id})[station.id];
    TariffCache tariffs(sql);
    UtcMs now = ctx.clock.now();
    json::object o = station_summary_json(station, chargers, tariffs.get(station.tariff_id), now);
    if (auto t = store::find_tariff(sql, station.tariff_id)) {
        json::object tj = tariff_json(*t);
        o["tariff"] = json::object{
            {"id", t->id}, {"name", t->name}, {"prices", tj["prices"]}, {"periods", tj["periods"]}};
    } else {
        o["tariff"] = nullptr;
    }
    json::array list;
    for (const auto& c : chargers) list.push_back(charger_json(ctx.config, c, false));
    o["chargers"] = std::move(list);
    return o;
}

// Applies the body's fields onto row (all required when creating) and validates them.
void apply_station_body(soci::session& sql, const json::object& body, store::StationRow& row, bool create) {
    auto get_text = [&](const char* field, std::size_t max_chars) -> std::optional<std::string> {
        auto v = create ? std::optional<std::string>(require_string(body, field, 4 * max_chars))
                        : optional_string(body, field, 4 * max_chars);
        if (!v) return std::nullopt;
        return service::normalize_display_name(*v, field, max_chars);
    };
    if (auto v = get_text("name", 100)) row.name = *v;
    if (auto v = get_text("address", 255)) row.address = *v;
    if (auto datum = optional_string(body, "datum", 16); datum && *datum != "wgs84")
        bad("field 'datum' must be \"wgs84\": stations are stored in WGS-84 (convert GCJ-02 before sending)");
    auto lng = create ? std::optional<double>(require_double(body, "lng")) : optional_double(body, "lng");
    auto lat = create ? std::optional<double>(require_double(body, "lat")) : optional_double(body, "lat");
    if (lng) row.lng = *lng;
    if (lat) row.lat = *lat;
    if (!domain::valid_lng_lat({row.lng, row.lat}))
        bad("fields 'lng'/'lat' must be within [-180, 180] / [-90, 90]");
    auto tz = create ? std::optional<std::string>(require_string(body, "timezone", 64))
                     : optional_string(body, "timezone", 64);
    if (tz) {
        domain::validate_timezone(*tz);
        row.timezone = *tz;
    }
    if (auto hours = optional_string(body, "opening_hours", 64))
        row.opening_hours = domain::format_opening_hours(domain::parse_opening_hours(*hours));
    else if (create)
        row.opening_hours = "00:00-24:00";
    auto tariff = create ? std::optional<std::int64_t>(require_int(body, "tariff_id"))
                         : optional_int(body, "tariff_id");
    if (tariff) {
        if (*tariff <= 0 || !store::find_tariff(sql, *tariff))
            bad("field 'tariff_id': tariff " + std::to_string(*tariff) + " does not exist");
        row.tariff_id = *tariff;
    }
}

json::object audit_detail(const store::StationRow& r) {
    return {{"name", r.name},
            {"address", r.address},
            {"lng", r.lng},
            {"lat", r.lat},
            {"timezone", r.timezone},
            {"opening_hours", r.opening_hours},
            {"tariff_id", r.tariff_id}};
}

}  // namespace

Response stations_list(Call& call) {
    Page page = query_page(call.req);
    auto q = query_string(call.req, "q");
    auto s = call.ctx.db.session();
    auto rows = store::list_stations(*s, q, page.size, page.offset());
    std::vector<std::int64_t> ids;
    for (const auto& r : rows) ids.push_back(r.id);
    auto chargers = chargers_by_station(call.ctx, *s, ids);
    TariffCache tariffs(*s);
    UtcMs now = call.ctx.clock.now();
    json::array items;
    for (const auto& r : rows)
        items.push_back(station_summary_json(r, chargers[r.id], tariffs.get(r.tariff_id), now));
    return json_response(page_body(std::move(items), store::count_stations(*s, q), page));
}

Response stations_nearby(Call& call) {
    const Request& r = call.req;
    auto lng = query_double(r, "lng");
    auto lat = query_double(r, "lat");
    if (!lng || !lat) bad("query parameters 'lng' and 'lat' are required");
    domain::LngLat center{*lng, *lat};
    if (!domain::valid_lng_lat(center))
        bad("query parameters 'lng'/'lat' must be within [-180, 180] / [-90, 90]");
    std::string datum = query_string(r, "datum").value_or("wgs84");
    if (datum == "gcj02")
        center = domain::gcj02_to_wgs84(center);
    else if (datum != "wgs84")
        bad("query parameter 'datum' must be wgs84 or gcj02");
    double radius = query_double(r, "radius_m").value_or(kDefaultRadiusM);
    if (!(radius > 0 && radius <= kMaxRadiusM)) bad("query parameter 'radius_m' must be in (0, 500000]");
    std::int64_t limit = query_int(r, "limit").value_or(kDefaultNearbyLimit);
    if (limit < 1 || limit > kMaxNearbyLimit) bad("query parameter 'limit' must be between 1 and 100");
    const bool available_only = query_flag(r, "available_only");
    const bool dc_only = query_flag(r, "dc_only");
    const bool open_only = query_flag(r, "open_now");

    auto s = call.ctx.db.session();
    UtcMs now = call.ctx.clock.now();
    // Bounding box in SQL, exact distance here.
    std::vector<std::pair<double, store::StationRow>> candidates;
    for (auto& st : store::stations_in_box(*s, domain::box_around(center, radius))) {
        double d = domain::distance_m(center, {st.lng, st.lat});
        if (d <= radius) candidates.emplace_back(d, std::move(st));
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    if (open_only) {
        std::erase_if(candidates, [&](const auto& c) {
            try {
                return !domain::is_open(domain::parse_opening_hours(c.second.opening_hours),
                                        c.second.timezone, now);
            } catch (const std::exception&) {
                return true;
            }
        });
    }

    TariffCache tariffs(*s);
    json::array items;
    for (std::size_t begin = 0; begin < candidates.size() && static_cast<std::int64_t>(items.size()) < limit;
         begin += kNearbyChunk) {
        std::size_t end = std::min(candidates.size(), begin + kNearbyChunk);
        std::vector<std::int64_t> ids;
        for (std::size_t i = begin; i < end; ++i) ids.push_back(candidates[i].second.id);
        auto chargers = chargers_by_station(call.ctx, *s, ids);
        for (std::size_t i = begin; i < end && static_cast<std::int64_t>(items.size()) < limit; ++i) {
            const auto& [distance, station] = candidates[i];
            const auto& list = chargers[station.id];
            // With dc_only, availability counts DC connectors only.
            bool has_kind = !dc_only, has_available = false;
            for (const auto& c : list) {
                if (dc_only && c.row.kind != "DC") continue;
                has_kind = true;
                for (const auto& conn : c.connectors)
                    if (conn.bucket == domain::ConnectorBucket::available) has_available = true;
            }
            if (!has_kind || (available_only && !has_available)) continue;
            json::object o = station_summary_json(station, list, tariffs.get(station.tariff_id), now);
            o["distance_m"] = std::llround(distance);
            items.push_back(std::move(o));
        }
    }
    return json_response(json::object{{"items", std::move(items)}});
}

Response station_get(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto s = call.ctx.db.session();
    return json_response(station_detail(call.ctx, *s, require_station(*s, id)));
}

Response admin_station_create(Call& call) {
    auto body = parse_object(call.req.body);
    auto s = call.ctx.db.session();
    store::StationRow row;
    apply_station_body(*s, body, row, true);
    soci::transaction tr(*s);
    UtcMs now = call.ctx.clock.now();
    row.id = store::insert_station(*s, row, now);
    service::audit(*s, call.principal().id, "station.create", target(row.id), audit_detail(row), now);
    tr.commit();
    return json_response(station_detail(call.ctx, *s, require_station(*s, row.id)), 201);
}

Response admin_station_update(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto body = parse_object(call.req.body);
    auto s = call.ctx.db.session();
    soci::transaction tr(*s);
    store::StationRow row = require_station(*s, id);
    apply_station_body(*s, body, row, false);
    UtcMs now = call.ctx.clock.now();
    store::update_station(*s, row, now);
    service::audit(*s, call.principal().id, "station.update", target(id), audit_detail(row), now);
    tr.commit();
    service::tariffs_changed(call.ctx, id);  // its tariff may be another one now
    return json_response(station_detail(call.ctx, *s, require_station(*s, id)));
}

Response admin_station_delete(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto s = call.ctx.db.session();
    soci::transaction tr(*s);
    store::StationRow row = require_station(*s, id);
    if (std::int64_t n = store::count_chargers_at(*s, id); n > 0)
        throw Error(Errc::conflict, "station " + std::to_string(id) + " still has " + std::to_string(n) +
                                        (n == 1 ? " charger" : " chargers"));
    store::delete_station(*s, id);
    service::audit(*s, call.principal().id, "station.delete", target(id), {{"name", row.name}},
                   call.ctx.clock.now());
    tr.commit();
    return no_content();
}

}  // namespace kw::http::handlers
