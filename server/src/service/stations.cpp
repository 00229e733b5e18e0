#include "service/stations.hpp"

#include <algorithm>
#include <boost/json/object.hpp>
#include <map>

#include "domain/error.hpp"
#include "domain/station_search.hpp"
#include "domain/validate.hpp"
#include "service/audit.hpp"
#include "service/tariff_cache.hpp"
#include "store/chargers_repo.hpp"
#include "store/db.hpp"

namespace kw::service {

namespace {

constexpr std::size_t kNearbyChunk = 50;  // candidates whose chargers are loaded at a time

std::string target(std::int64_t id) { return "station:" + std::to_string(id); }

// Chargers (with live state) of these stations, by station id.
std::map<std::int64_t, std::vector<ChargerView>> chargers_by_station(app::Context& ctx, soci::session& sql,
                                                                     const std::vector<std::int64_t>& ids) {
    std::map<std::int64_t, std::vector<ChargerView>> out;
    for (auto& v : charger_views(ctx, sql, store::chargers_of_stations(sql, ids)))
        out[v.row.station_id].push_back(std::move(v));
    return out;
}

store::StationRow require_station(soci::session& sql, std::int64_t id) {
    auto row = store::find_station(sql, id);
    if (!row) throw Error(Errc::not_found, "no such station");
    return *row;
}

void require_tariff(soci::session& sql, std::int64_t tariff_id) {
    if (tariff_id <= 0 || !store::find_tariff(sql, tariff_id))
        throw Error(Errc::bad_request, "field 'tariff_id': tariff " + std::to_string(tariff_id) + " does not exist");
}

boost::json::object audit_detail(const store::StationRow& r) {
    return {{"name", r.name},
            {"address", r.address},
            {"lng", r.lng},
            {"lat", r.lat},
            {"timezone", r.timezone},
            {"opening_hours", r.opening_hours},
            {"tariff_id", r.tariff_id}};
}

// With dc_only, availability counts DC connectors only.
bool matches(const NearbyQuery& q, const std::vector<ChargerView>& chargers) {
    bool has_kind = !q.dc_only, has_available = false;
    for (const auto& c : chargers) {
        if (q.dc_only && c.row.kind != "DC") continue;
        has_kind = true;
        for (const auto& conn : c.connectors)
            if (conn.bucket == domain::ConnectorBucket::available) has_available = true;
    }
    return has_kind && (!q.available_only || has_available);
}

}  // namespace

Paged<StationSummary> list_stations(app::Context& ctx, const std::optional<std::string>& q, std::int64_t limit,
                                    std::int64_t offset) {
    auto s = ctx.db.session();
    auto rows = store::list_stations(*s, q, limit, offset);
    std::vector<std::int64_t> ids;
    for (const auto& r : rows) ids.push_back(r.id);
    auto chargers = chargers_by_station(ctx, *s, ids);
    TariffLookup tariffs(*s, ctx.tariffs);
    Paged<StationSummary> out;
    for (auto& r : rows) {
        auto tariff = tariffs.get(r.tariff_id);
        auto views = std::move(chargers[r.id]);
        out.items.push_back({std::move(r), std::move(views), std::move(tariff)});
    }
    out.total = store::count_stations(*s, q);
    return out;
}

std::vector<NearbyStation> nearby_stations(app::Context& ctx, const NearbyQuery& q) {
    auto s = ctx.db.session();
    const UtcMs now = ctx.clock.now();
    // Bounding box in SQL, exact distance here.
    std::vector<std::pair<double, store::StationRow>> candidates;
    for (auto& st : store::stations_in_box(*s, domain::box_around(q.center, q.radius_m))) {
        double d = domain::distance_m(q.center, {st.lng, st.lat});
        if (d <= q.radius_m) candidates.emplace_back(d, std::move(st));
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    if (q.open_now) {
        std::erase_if(candidates, [&](const auto& c) {
            try {
                return !domain::is_open(domain::parse_opening_hours(c.second.opening_hours), c.second.timezone,
                                        now);
            } catch (const std::exception&) {
                return true;
            }
        });
    }
    TariffLookup tariffs(*s, ctx.tariffs);
    std::vector<NearbyStation> out;
    const auto full = [&] { return static_cast<std::int64_t>(out.size()) >= q.limit; };
    for (std::size_t begin = 0; begin < candidates.size() && !full(); begin += kNearbyChunk) {
        const std::size_t end = std::min(candidates.size(), begin + kNearbyChunk);
        std::vector<std::int64_t> ids;
        for (std::size_t i = begin; i < end; ++i) ids.push_back(candidates[i].second.id);
        auto chargers = chargers_by_station(ctx, *s, ids);
        for (std::size_t i = begin; i < end && !full(); ++i) {
            auto& [distance, station] = candidates[i];
            auto& list = chargers[station.id];
            if (!matches(q, list)) continue;
            auto tariff = tariffs.get(station.tariff_id);
            out.push_back({distance, {station, std::move(list), std::move(tariff)}});
        }
    }
    return out;
}

StationDetail station_detail(app::Context& ctx, std::int64_t id) {
    auto s = ctx.db.session();
    StationDetail out;
    out.station = require_station(*s, id);
    out.chargers = std::move(chargers_by_station(ctx, *s, {id})[id]);
    TariffLookup tariffs(*s, ctx.tariffs);
    out.tariff = tariffs.get(out.station.tariff_id);
    out.tariff_row = store::find_tariff(*s, out.station.tariff_id);
    return out;
}

std::int64_t create_station(app::Context& ctx, std::int64_t employee_id, const StationEdit& fill) {
    store::StationRow row;
    fill(row);
    auto s = ctx.db.session();
    require_tariff(*s, row.tariff_id);
    soci::transaction tr(*s);
    const UtcMs now = ctx.clock.now();
    row.id = store::insert_station(*s, row, now);
    audit(*s, employee_id, "station.create", target(row.id), audit_detail(row), now);
    tr.commit();
    return row.id;
}

void update_station(app::Context& ctx, std::int64_t employee_id, std::int64_t id, const StationEdit& edit) {
    auto s = ctx.db.session();
    soci::transaction tr(*s);
    store::StationRow row = require_station(*s, id);
    const std::int64_t tariff_before = row.tariff_id;
    edit(row);
    if (row.tariff_id != tariff_before) require_tariff(*s, row.tariff_id);
    const UtcMs now = ctx.clock.now();
    store::update_station(*s, row, now);
    audit(*s, employee_id, "station.update", target(id), audit_detail(row), now);
    tr.commit();
    tariffs_changed(ctx, id);  // its tariff may be another one now, in every instance
}

void delete_station(app::Context& ctx, std::int64_t employee_id, std::int64_t id) {
    auto s = ctx.db.session();
    soci::transaction tr(*s);
    const store::StationRow row = require_station(*s, id);
    if (std::int64_t n = store::count_chargers_at(*s, id); n > 0)
        throw Error(Errc::in_use, "station " + std::to_string(id) + " still has " + std::to_string(n) +
                                      (n == 1 ? " charger" : " chargers"));
    store::delete_station(*s, id);
    audit(*s, employee_id, "station.delete", target(id), {{"name", row.name}}, ctx.clock.now());
    tr.commit();
}

}  // namespace kw::service
