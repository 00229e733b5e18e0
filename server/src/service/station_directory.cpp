#include "service/station_directory.hpp"

#include <map>

#include "service/network.hpp"
#include "service/tariff_cache.hpp"
#include "store/chargers_repo.hpp"
#include "store/db.hpp"
#include "store/stations_repo.hpp"

namespace kw::service {

std::shared_ptr<const std::string> MinuteText::get(std::int64_t minute) const {
    std::lock_guard lock(mutex_);
    return minute_ == minute ? text_ : nullptr;
}

void MinuteText::put(std::int64_t minute, std::shared_ptr<const std::string> text) const {
    std::lock_guard lock(mutex_);
    minute_ = minute;
    text_ = std::move(text);
}

std::uint64_t StationDirectory::generation() const {
    std::shared_lock lock(mutex_);
    return generation_;
}

std::shared_ptr<const DirectoryIndex> StationDirectory::index(UtcMs now) const {
    std::shared_lock lock(mutex_);
    return index_ && keep(index_->reload_claimed, index_loaded_, now) ? index_ : nullptr;
}

void StationDirectory::put_index(std::shared_ptr<const DirectoryIndex> index, std::uint64_t generation,
                                 UtcMs loaded) {
    std::unique_lock lock(mutex_);
    if (generation != generation_) return;
    index_ = std::move(index);
    index_loaded_ = loaded;
}

std::vector<std::shared_ptr<const DirectoryEntry>> StationDirectory::entries(const std::vector<std::int64_t>& ids,
                                                                             UtcMs now) const {
    std::vector<std::shared_ptr<const DirectoryEntry>> out(ids.size());
    std::shared_lock lock(mutex_);
    for (std::size_t i = 0; i < ids.size(); ++i)
        if (auto it = entries_.find(ids[i]);
            it != entries_.end() && keep(it->second.entry->reload_claimed, it->second.loaded, now))
            out[i] = it->second.entry;
    return out;
}

void StationDirectory::put_entries(const std::vector<std::shared_ptr<const DirectoryEntry>>& entries,
                                   std::uint64_t generation, UtcMs loaded) {
    std::unique_lock lock(mutex_);
    if (generation != generation_) return;
    for (const auto& e : entries) entries_[e->summary.station.id] = {e, loaded};
}

void StationDirectory::invalidate() {
    std::unique_lock lock(mutex_);
    ++generation_;
    index_.reset();
    entries_.clear();
}

std::shared_ptr<const DirectoryIndex> directory_index(app::Context& ctx) {
    StationDirectory& dir = ctx.station_directory;
    if (auto index = dir.index(ctx.clock.now())) return index;
    const std::uint64_t generation = dir.generation();
    const UtcMs loaded = ctx.clock.now();
    std::vector<domain::PointRanking::Input> points;
    {
        auto s = ctx.db.read_session();
        // The default box holds the whole globe: every station.
        for (const auto& p : store::station_points_in_box(*s, domain::GeoBox{})) points.push_back({p.id, {p.lng, p.lat}});
    }
    auto index = std::make_shared<const DirectoryIndex>(points);
    dir.put_index(index, generation, loaded);
    return index;
}

std::vector<std::shared_ptr<const DirectoryEntry>> directory_entries(app::Context& ctx,
                                                                     const std::vector<std::int64_t>& ids) {
    StationDirectory& dir = ctx.station_directory;
    auto out = dir.entries(ids, ctx.clock.now());
    std::vector<std::int64_t> missing;
    for (std::size_t i = 0; i < ids.size(); ++i)
        if (!out[i]) missing.push_back(ids[i]);
    if (missing.empty()) return out;

    const std::uint64_t generation = dir.generation();
    const UtcMs loaded = ctx.clock.now();
    std::vector<store::StationRow> stations;
    std::vector<std::shared_ptr<const domain::Tariff>> tariffs;
    ChargerRows rows;
    {
        auto s = ctx.db.read_session();
        stations = store::stations_by_ids(*s, missing);
        TariffLookup lookup(*s, ctx.tariffs);
        std::vector<std::int64_t> found;
        for (const auto& st : stations) {
            tariffs.push_back(lookup.get(st.tariff_id));
            found.push_back(st.id);
        }
        rows = with_connectors(*s, store::chargers_of_stations(*s, found));
    }
    // The session is back in the pool before the Redis round trip (SQLite has one connection).
    std::map<std::int64_t, std::vector<ChargerView>> chargers;
    for (auto& v : live_views(ctx, std::move(rows))) chargers[v.row.station_id].push_back(std::move(v));

    std::vector<std::shared_ptr<const DirectoryEntry>> fresh;
    std::map<std::int64_t, std::shared_ptr<const DirectoryEntry>> by_id;
    for (std::size_t i = 0; i < stations.size(); ++i) {
        auto e = std::make_shared<DirectoryEntry>();
        const std::int64_t id = stations[i].id;
        e->summary = {std::move(stations[i]), std::move(chargers[id]), std::move(tariffs[i])};
        by_id.emplace(id, e);
        fresh.push_back(std::move(e));
    }
    dir.put_entries(fresh, generation, loaded);
    for (std::size_t i = 0; i < ids.size(); ++i)
        if (!out[i])
            if (auto it = by_id.find(ids[i]); it != by_id.end()) out[i] = it->second;
    return out;
}

void network_changed(app::Context& ctx) { ctx.station_directory.invalidate(); }

}  // namespace kw::service
