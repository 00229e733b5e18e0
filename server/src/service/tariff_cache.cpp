#include "service/tariff_cache.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <charconv>

#include "domain/error.hpp"
#include "live/redis.hpp"
#include "store/stations_repo.hpp"
#include "store/tariffs_repo.hpp"

namespace kw::service {

namespace {

// Specs are few (one per tariff and edit); the bound only stops a pathological growth.
constexpr std::size_t kMaxSpecs = 256;

}  // namespace

TariffCache::TariffCache(std::chrono::steady_clock::duration max_age) : max_age_(max_age) {}

std::shared_ptr<const TariffCache::Entry> TariffCache::station(soci::session& sql, std::int64_t station_id) {
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(mutex_);
        auto it = stations_.find(station_id);
        if (it != stations_.end() && now - it->second.loaded < max_age_) return it->second.entry;
    }
    // Read outside the lock: SQL must not serialise every other caller.
    auto st = store::find_station(sql, station_id);
    if (!st) throw Error(Errc::not_found, "no such station: " + std::to_string(station_id));
    auto row = store::find_tariff(sql, st->tariff_id);
    if (!row) throw Error(Errc::not_found, "station " + std::to_string(station_id) + " has no tariff");
    auto entry = std::make_shared<Entry>(Entry{row->spec, parsed(row->spec)});
    std::lock_guard lock(mutex_);
    stations_[station_id] = StationEntry{entry, now};
    return entry;
}

std::shared_ptr<const domain::Tariff> TariffCache::parsed(const std::string& spec) {
    {
        std::lock_guard lock(mutex_);
        if (auto it = by_spec_.find(spec); it != by_spec_.end()) return it->second;
    }
    auto tariff = std::make_shared<const domain::Tariff>(domain::parse_tariff(boost::json::parse(spec)));
    std::lock_guard lock(mutex_);
    if (by_spec_.size() >= kMaxSpecs) by_spec_.clear();
    by_spec_.emplace(spec, tariff);
    return tariff;
}

void TariffCache::invalidate(std::optional<std::int64_t> station_id) {
    std::lock_guard lock(mutex_);
    if (station_id)
        stations_.erase(*station_id);
    else
        stations_.clear();
}

std::string tariffs_channel(const std::string& redis_prefix) { return redis_prefix + "tariffs"; }

void tariffs_changed(app::Context& ctx, std::optional<std::int64_t> station_id) {
    ctx.tariffs.invalidate(station_id);
    if (!ctx.config.server.cluster) return;
    try {
        ctx.redis.command({"PUBLISH", tariffs_channel(ctx.config.redis.prefix),
                           station_id ? std::to_string(*station_id) : std::string("*")});
    } catch (const std::exception& e) {
        // The other instances' entries still expire after max_age.
        spdlog::warn("event=tariff_invalidation_failed error=\"{}\"", e.what());
    }
}

void on_tariffs_changed(TariffCache& cache, const std::string& payload) {
    std::int64_t id = 0;
    auto [ptr, ec] = std::from_chars(payload.data(), payload.data() + payload.size(), id);
    if (ec == std::errc() && ptr == payload.data() + payload.size() && id > 0)
        cache.invalidate(id);
    else
        cache.invalidate(std::nullopt);
}

}  // namespace kw::service
