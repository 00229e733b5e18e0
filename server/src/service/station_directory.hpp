#pragma once
// The drivers' station search answered from memory (docs/performance.md, "What changed"). Per
// instance: every station's point (the index), and per station what the nearby list shows (its row,
// tariff, chargers with connectors and their live availability), each reused for
// server.directory_ttl_ms and then loaded again. A miss is loaded for a chunk of stations at once
// (SQL, then one Redis pipeline for their chargers). A write to a station, charger, connector or
// tariff on this instance calls network_changed() after its commit, which drops everything here at
// once; other instances catch up within the TTL. So the nearby list may show availability up to the
// TTL old; a station's or a charger's own page does not use this and stays live.
//
// Any thread (HTTP workers in parallel). No lock is held across SQL or Redis: loads run outside
// it, and what a load begun before an invalidation (its generation) brings back is not kept. Past
// half its TTL an entry (or the index) is handed to one caller as a miss, to load again, while the
// others keep using it: an expiry does not stall every request in flight, and nothing shown is
// ever older than the TTL.
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/context.hpp"
#include "domain/station_search.hpp"
#include "service/stations.hpp"

namespace kw::service {

struct DirectoryIndex {
    explicit DirectoryIndex(const std::vector<domain::PointRanking::Input>& points) : ranking(points) {}
    domain::PointRanking ranking;  // every station's point (WGS-84)
    mutable std::atomic_flag reload_claimed;  // one caller reloads it past half its TTL
};

// Text an edge made of an entry, right for one UTC minute: what it shows besides the entry (the
// station's opening state and current price) changes only at whole local minutes, and every time
// zone's offset is a whole number of minutes. Any thread.
class MinuteText {
public:
    // null unless put for this minute.
    std::shared_ptr<const std::string> get(std::int64_t minute) const;
    void put(std::int64_t minute, std::shared_ptr<const std::string> text) const;

private:
    mutable std::mutex mutex_;
    mutable std::int64_t minute_ = std::numeric_limits<std::int64_t>::min();
    mutable std::shared_ptr<const std::string> text_;
};

struct DirectoryEntry {
    StationSummary summary;  // chargers' live state as loaded
    MinuteText rendered;     // the nearby list's JSON of this station (http/handlers/stations.cpp)
    mutable std::atomic_flag reload_claimed;  // one caller reloads it past half its TTL
};

// The cache itself: what is current and the generation a load must have begun under to be kept.
// Pure (time is given), so its rules are unit-tested without services.
class StationDirectory {
public:
    // ttl_ms 0: nothing is ever reused (every search loads what it shows).
    explicit StationDirectory(std::int64_t ttl_ms) : ttl_ms_(ttl_ms) {}

    // Read before a load starts; given back with what it loaded.
    std::uint64_t generation() const;
    // null when none is current, or for the one caller that is to reload it (past half its TTL).
    std::shared_ptr<const DirectoryIndex> index(UtcMs now) const;
    // loaded: when the load began. Dropped if an invalidation came since `generation`.
    void put_index(std::shared_ptr<const DirectoryIndex> index, std::uint64_t generation, UtcMs loaded);
    // The current entry of each id, in their order (null where none, and where this caller is the
    // one to reload it).
    std::vector<std::shared_ptr<const DirectoryEntry>> entries(const std::vector<std::int64_t>& ids,
                                                               UtcMs now) const;
    void put_entries(const std::vector<std::shared_ptr<const DirectoryEntry>>& entries, std::uint64_t generation,
                     UtcMs loaded);
    // Everything loaded so far is dropped, and so is whatever loads are under way now.
    void invalidate();

private:
    bool current(UtcMs loaded, UtcMs now) const { return now - loaded >= 0 && now - loaded < ttl_ms_; }
    // Current, and not to be reloaded by this caller.
    bool keep(std::atomic_flag& reload_claimed, UtcMs loaded, UtcMs now) const {
        return current(loaded, now) && (2 * (now - loaded) < ttl_ms_ || reload_claimed.test_and_set());
    }
    struct Slot {
        std::shared_ptr<const DirectoryEntry> entry;
        UtcMs loaded = 0;
    };
    const std::int64_t ttl_ms_;
    mutable std::shared_mutex mutex_;
    std::uint64_t generation_ = 0;
    std::shared_ptr<const DirectoryIndex> index_;
    UtcMs index_loaded_ = 0;
    std::unordered_map<std::int64_t, Slot> entries_;
};

// The current index of ctx.stations, loaded from SQL when there is none.
std::shared_ptr<const DirectoryIndex> directory_index(app::Context& ctx);
// The entries of these station ids, in their order (null for a station gone since); the missing ones
// loaded together (one SQL session, then one Redis round trip).
std::vector<std::shared_ptr<const DirectoryEntry>> directory_entries(app::Context& ctx,
                                                                     const std::vector<std::int64_t>& ids);
// A station, charger, connector or tariff was written on this instance (call after the commit).
void network_changed(app::Context& ctx);

}  // namespace kw::service
