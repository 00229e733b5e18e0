#include "service/charger_key_cache.hpp"

#include <mutex>

#include "domain/error.hpp"
#include "service/station_directory.hpp"
#include "store/db.hpp"

namespace kw::service {

ChargerKeyCache::ChargerKeyCache(std::int64_t max_age_ms, bool live) : max_age_ms_(max_age_ms), live_(live) {}

std::optional<store::ChargerKey> ChargerKeyCache::get(const std::string& code, UtcMs now) const {
    std::shared_lock lock(mutex_);
    auto it = entries_.find(code);
    if (it == entries_.end() || now >= it->second.until) return std::nullopt;
    return it->second.key;
}

std::uint64_t ChargerKeyCache::generation() const {
    std::shared_lock lock(mutex_);
    return generation_;
}

void ChargerKeyCache::put(const std::string& code, const store::ChargerKey& key, UtcMs now,
                          std::uint64_t generation) {
    if (max_age_ms_ <= 0) return;
    std::unique_lock lock(mutex_);
    if (!live_ || generation != generation_) return;
    // Bounded by the chargers that exist: an expired entry is replaced here, a deleted one forgotten.
    entries_[code] = Entry{key, now + max_age_ms_};
}

void ChargerKeyCache::forget_all() {
    std::unique_lock lock(mutex_);
    entries_.clear();
    ++generation_;
}

void ChargerKeyCache::set_live(bool live) {
    std::unique_lock lock(mutex_);
    entries_.clear();
    ++generation_;
    live_ = live;
}

std::size_t ChargerKeyCache::size() const {
    std::shared_lock lock(mutex_);
    return entries_.size();
}

store::ChargerKey known_charger(app::Context& ctx, const std::string& code) {
    const UtcMs now = ctx.clock.now();
    if (auto key = ctx.charger_keys.get(code, now)) return *key;
    const std::uint64_t generation = ctx.charger_keys.generation();
    std::optional<store::ChargerKey> key;
    {
        auto sql = ctx.db.read_session();  // not SQLite's one writer
        key = store::find_charger_key(*sql, code);
    }
    if (!key) throw Error(Errc::not_found, "unknown charger");
    ctx.charger_keys.put(code, *key, now, generation);
    return *key;
}

std::string network_channel(const std::string& redis_prefix) { return redis_prefix + "network"; }

void on_network_changed(ChargerKeyCache& keys, StationDirectory& directory) {
    keys.forget_all();
    directory.invalidate();
}

}  // namespace kw::service
