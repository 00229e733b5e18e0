#include "service/stations.hpp"

#include <algorithm>
#include <boost/json/object.hpp>
#include <map>

#include "domain/error.hpp"
#include "domain/station_search.hpp"
#include "domain/validate.hpp"
#include "service/audit.hpp"
#include "service/station_directory.hpp"
#include "service/tariff_cache.hpp"
#include "store/chargers_repo.hpp"
#include "store/db.hpp"

namespace kw::service {

namespace {

constexpr std::size_t kNearbyChunk = 50;  // with a filter: candidates whose entries are taken at a time

std::string target(std::int64_t id) { return "station:" + std::to_string(id); }

// Chargers (with live state) of these stations, by station id: SQL on `sql`, then one Redis round
// trip. Callers give the session back before calling live_of: no connection waits on Redis.
ChargerRows chargers_of(soci::session& sql, const std::vector<std::int64_t>& ids) {
    return with_connectors(sql, store::chargers_of_stations(sql, ids));
}
std::map<std::int64_t, std::vector<ChargerView>> live_of(app::Context& ctx, ChargerRows rows) {
    std::map<std::int64_t, std::vector<ChargerView>> out;
    for (auto& v : live_views(ctx, std::move(rows))) out[v.row.station_id].push_back(std::move(v));
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
    Paged<StationSummary> out;
    std::vector<store::StationRow> rows;
    ChargerRows charger_rows;
    std::vector<std::shared_ptr<const domain::Tariff>> tariffs;
    {
        auto s = ctx.db.read_session();
        rows = store::list_stations(*s, q, limit, offset);
        std::vector<std::int64_t> ids;
        for (const auto& r : rows) ids.push_back(r.id);
        charger_rows = chargers_of(*s, ids);
        TariffLookup lookup(*s, ctx.tariffs);
        for (const auto& r : rows) tariffs.push_back(lookup.get(r.tariff_id));
        out.total = store::count_stations(*s, q);
    }
    auto chargers = live_of(ctx, std::move(charger_rows));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        auto views = std::move(chargers[rows[i].id]);
        out.items.push_back({std::move(rows[i]), std::move(views), std::move(tariffs[i])});
    }
    return out;
}

std::vector<NearbyStation> nearby_stations(app::Context& ctx, const NearbyQuery& q) {
    const UtcMs now = ctx.clock.now();
    const auto index = directory_index(ctx);
    const auto closed = [&](const store::StationRow& st) {
        try {
            return !domain::is_open(domain::parse_opening_hours(st.opening_hours), st.timezone, now);
        } catch (const std::exception&) {
            return true;
        }
    };
    // Without a filter every station found is kept: the `limit` nearest are the answer. With one,
    // the nearest are ranked in growing batches and their entries taken a chunk at a time, until
    // `limit` pass or none is left within the radius.
    const bool filtered = q.available_only || q.dc_only || q.open_now;
    const std::size_t limit = static_cast<std::size_t>(std::max<std::int64_t>(1, q.limit));
    const std::size_t chunk = filtered ? kNearbyChunk : limit;
    std::vector<NearbyStation> out;
    const auto full = [&] { return out.size() >= limit; };
    std::size_t ranked_before = 0;
    for (std::size_t k = filtered ? std::max(limit, kNearbyChunk) : limit;; k *= 4) {
        // The same order every time (ties by id): a bigger k only appends to what was ranked before.
        const auto ranked = index->ranking.nearest(q.center, q.radius_m, k);
        for (std::size_t begin = ranked_before; begin < ranked.size() && !full(); begin += chunk) {
            const std::size_t end = std::min(ranked.size(), begin + chunk);
            std::vector<std::int64_t> ids;
            for (std::size_t i = begin; i < end; ++i) ids.push_back(ranked[i].id);
            const auto entries = directory_entries(ctx, ids);
            for (std::size_t i = begin; i < end && !full(); ++i) {
                const auto& entry = entries[i - begin];
                if (!entry) continue;  // deleted since the index was loaded
                const StationSummary& st = entry->summary;
                if (q.open_now && closed(st.station)) continue;
                if (!matches(q, st.chargers)) continue;
                out.push_back({ranked[i].distance_m, entry});
            }
        }
        ranked_before = ranked.size();
        if (full() || ranked.size() < k) break;
    }
    return out;
}

StationDetail station_detail(app::Context& ctx, std::int64_t id) {
    StationDetail out;
    ChargerRows rows;
    {
        auto s = ctx.db.read_session();
        out.station = require_station(*s, id);
        rows = chargers_of(*s, {id});
        TariffLookup tariffs(*s, ctx.tariffs);
        out.tariff = tariffs.get(out.station.tariff_id);
        out.tariff_row = store::find_tariff(*s, out.station.tariff_id);
    }
    out.chargers = std::move(live_of(ctx, std::move(rows))[id]);
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
    network_changed(ctx);
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
    network_changed(ctx);
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
    network_changed(ctx);
}

}  // namespace kw::service
