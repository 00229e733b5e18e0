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
#include "domain/json_text.hpp"
#include "domain/station_search.hpp"
#include "domain/validate.hpp"
#include "http/handlers/handlers.hpp"
#include "http/handlers/network_json.hpp"
#include "service/account_rules.hpp"
#include "service/station_directory.hpp"
#include "service/stations.hpp"

namespace kw::http::handlers {

namespace json = boost::json;

namespace {

constexpr double kDefaultRadiusM = 50'000;
constexpr double kMaxRadiusM = 500'000;
constexpr std::int64_t kDefaultNearbyLimit = 20;
constexpr std::int64_t kMaxNearbyLimit = 100;

[[noreturn]] void bad(const std::string& message) { throw Error(Errc::bad_request, message); }

bool query_flag(const Request& r, const char* name) {
    auto v = query_string(r, name);
    if (!v) return false;
    if (*v == "true" || *v == "1") return true;
    if (*v == "false" || *v == "0") return false;
    bad(std::string("query parameter '") + name + "' must be true or false");
}

// Summary + tariff + chargers.
json::object station_detail_json(app::Context& ctx, const service::StationDetail& d) {
    json::object o = station_summary_json(d.station, d.chargers, d.tariff.get(), ctx.clock.now());
    if (d.tariff_row) {
        json::object tj = tariff_json(*d.tariff_row);
        o["tariff"] = json::object{{"id", d.tariff_row->id},
                                   {"name", d.tariff_row->name},
                                   {"prices", tj["prices"]},
                                   {"periods", tj["periods"]}};
    } else {
        o["tariff"] = nullptr;
    }
    json::array list;
    for (const auto& c : d.chargers) list.push_back(charger_json(ctx.config, c, false));
    o["chargers"] = std::move(list);
    return o;
}

// Applies the body's fields onto row (all required when creating) and validates them.
void apply_station_body(const json::object& body, store::StationRow& row, bool create) {
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
    // The service checks that the tariff exists.
    if (tariff) row.tariff_id = *tariff;
}

}  // namespace

Response stations_list(Call& call) {
    Page page = query_page(call.req);
    auto found = service::list_stations(call.ctx, query_string(call.req, "q"), page.size, page.offset());
    UtcMs now = call.ctx.clock.now();
    json::array items;
    for (const auto& st : found.items)
        items.push_back(station_summary_json(st.station, st.chargers, st.tariff.get(), now));
    return json_response(page_body(std::move(items), found.total, page));
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
    service::NearbyQuery q;
    q.center = center;
    q.radius_m = radius;
    q.limit = limit;
    q.available_only = query_flag(r, "available_only");
    q.dc_only = query_flag(r, "dc_only");
    q.open_now = query_flag(r, "open_now");
    const UtcMs now = call.ctx.clock.now();
    // Each station's JSON is kept with its directory entry for the current UTC minute (open_now and
    // price_now change only at whole minutes); the distance is the request's. The bytes are those of
    // {"items":[summary + distance_m, ...]} written at once.
    const std::int64_t minute = now >= 0 ? now / 60'000 : (now - 59'999) / 60'000;
    Response out;
    out.body = "{\"items\":[";
    bool first = true;
    for (const auto& n : service::nearby_stations(call.ctx, q)) {
        const service::DirectoryEntry& e = *n.entry;
        auto text = e.rendered.get(minute);
        if (!text) {
            const auto& st = e.summary;
            std::string t = domain::to_json(station_summary_json(st.station, st.chargers, st.tariff.get(), now));
            t.pop_back();  // the closing brace: distance_m follows
            text = std::make_shared<const std::string>(std::move(t));
            e.rendered.put(minute, text);
        }
        if (!first) out.body += ',';
        first = false;
        out.body += *text;
        out.body += ",\"distance_m\":";
        out.body += std::to_string(std::llround(n.distance_m));
        out.body += '}';
    }
    out.body += "]}";
    return out;
}

Response station_get(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    return json_response(station_detail_json(call.ctx, service::station_detail(call.ctx, id)));
}

Response admin_station_create(Call& call) {
    auto body = parse_object(call.req.body);
    const std::int64_t id = service::create_station(
        call.ctx, call.principal().id, [&](store::StationRow& row) { apply_station_body(body, row, true); });
    return json_response(station_detail_json(call.ctx, service::station_detail(call.ctx, id)), 201);
}

Response admin_station_update(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto body = parse_object(call.req.body);
    service::update_station(call.ctx, call.principal().id, id,
                            [&](store::StationRow& row) { apply_station_body(body, row, false); });
    return json_response(station_detail_json(call.ctx, service::station_detail(call.ctx, id)));
}

Response admin_station_delete(Call& call) {
    service::delete_station(call.ctx, call.principal().id, path_id(call.req, "id"));
    return no_content();
}

}  // namespace kw::http::handlers
