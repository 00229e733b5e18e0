#pragma once
// Parsed tariffs, so a meter sample or a start does not parse tariff JSON again. Two maps behind
// one mutex (any thread): station id -> the spec text of its tariff (what a new order copies), and
// spec text -> the parsed domain::Tariff (what an order's own copy prices with, so a session keeps
// the prices it started with even after an edit). An admin edit calls tariffs_changed(), which
// drops the station entries here and, in a cluster, in every other instance (Redis PUBLISH on
// <prefix>tariffs, received by the subscriber main.cpp wires to on_tariffs_changed). A station
// entry also expires after max_age, in case an invalidation was lost with the Redis connection.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <soci/soci.h>

#include "app/context.hpp"
#include "domain/tariff.hpp"

namespace kw::service {

class TariffCache {
public:
    struct Entry {
        std::string spec;  // canonical spec JSON, as stored in tariffs.spec and copied into orders
        std::shared_ptr<const domain::Tariff> tariff;
    };

    explicit TariffCache(std::chrono::steady_clock::duration max_age = std::chrono::minutes(5));

    // The station's current tariff; read through `sql` when not cached. not_found if the station
    // or its tariff is gone.
    std::shared_ptr<const Entry> station(soci::session& sql, std::int64_t station_id);
    // A spec parsed (bad_request if invalid), cached by its text.
    std::shared_ptr<const domain::Tariff> parsed(const std::string& spec);
    // Forget one station's tariff, or (nullopt) every station's.
    void invalidate(std::optional<std::int64_t> station_id);

private:
    struct StationEntry {
        std::shared_ptr<const Entry> entry;
        std::chrono::steady_clock::time_point loaded;
    };
    const std::chrono::steady_clock::duration max_age_;
    std::mutex mutex_;
    std::unordered_map<std::int64_t, StationEntry> stations_;
    std::unordered_map<std::string, std::shared_ptr<const domain::Tariff>> by_spec_;
};

// An admin changed a tariff (nullopt: any station may be affected) or a station's tariff
// assignment: invalidates the cache here and, with server.cluster, in every instance.
void tariffs_changed(app::Context& ctx, std::optional<std::int64_t> station_id = std::nullopt);

// The Redis channel of those invalidations, and what a subscriber does with a message on it.
std::string tariffs_channel(const std::string& redis_prefix);
void on_tariffs_changed(TariffCache& cache, const std::string& payload);

}  // namespace kw::service
