#pragma once
// ChargerKeyCache: charger code -> its key (store::ChargerKey: id, station, highest connector), so a
// device message does not read SQL to learn which charger sent it. Every boot, status, tx event,
// command answer and clock alarm asks (docs/performance.md, round 10). Thread-safe (any worker).
//
// Only known chargers are cached: a charger created a moment ago is found at once. Every write to a
// station, charger, connector or tariff calls network_changed() after its commit
// (service/station_directory.hpp), which forgets every key here and, with server.cluster, in every
// instance (one PUBLISH on <prefix>network; main.cpp's subscriber calls on_network_changed). A
// lookup that read SQL before such a forget cannot put the old key back (its generation). An entry
// also ends after max_age_ms, in case a change reached SQL some other way. While an instance is not
// subscribed to that channel (starting, or its Redis connection lost) set_live(false) empties the
// cache and nothing is cached, since a change could be missed.
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "app/context.hpp"
#include "domain/clock.hpp"
#include "store/charger_refs.hpp"

namespace kw::service {

class StationDirectory;

class ChargerKeyCache {
public:
    // max_age_ms 0 turns the cache off. `live`: whether changes reach this instance from the start
    // (a single instance: they all happen here).
    ChargerKeyCache(std::int64_t max_age_ms, bool live);

    std::optional<store::ChargerKey> get(const std::string& code, UtcMs now) const;
    std::uint64_t generation() const;
    // Cached until now + max_age_ms, unless the cache is off, not live, or something was forgotten
    // after `generation` was read.
    void put(const std::string& code, const store::ChargerKey& key, UtcMs now, std::uint64_t generation);
    void forget_all();
    // Changes reach this instance (true) or may be missed (false); either way every entry goes.
    void set_live(bool live);
    std::size_t size() const;

private:
    struct Entry {
        store::ChargerKey key;
        UtcMs until;
    };
    const std::int64_t max_age_ms_;
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
    std::uint64_t generation_ = 0;
    bool live_;
};

// The charger that sent a device message, by its code: from the cache, else from SQL (a read
// connection) and then cached. not_found for a code no charger has.
store::ChargerKey known_charger(app::Context& ctx, const std::string& code);

// The channel of network changes (the payload is not read), and what a subscriber does with a
// message on it: forgets every charger key and drops the station directory.
std::string network_channel(const std::string& redis_prefix);
void on_network_changed(ChargerKeyCache& keys, StationDirectory& directory);

}  // namespace kw::service
