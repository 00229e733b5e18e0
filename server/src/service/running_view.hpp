#pragma once
// RunningView: what an order's detail shows of its running session ("live": energy so far, cost
// estimate, power, time and state of charge of the latest accepted reading), kept in memory as the
// running state in Redis is written, so reading an order needs no Redis round trip.
//
// Only where this instance writes every running state: a single instance (server.cluster false).
// With server.cluster the readings of a session may be applied by any instance, so the view is off
// (enabled() false, nothing kept) and service/running.cpp reads Redis as before. An order without
// an entry (the server restarted, or the running state was written before) is read from Redis too.
// Thread-safe (device workers write, HTTP workers read).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <unordered_map>

#include "domain/clock.hpp"

namespace kw::service {

struct RunningLive {
    std::int64_t energy_wh = 0;
    std::int64_t cost_fen = 0;
    std::int64_t power_w = 0;
    UtcMs at = 0;
    std::optional<std::int64_t> soc;
};

class RunningView {
public:
    explicit RunningView(bool enabled) : enabled_(enabled) {}
    bool enabled() const { return enabled_; }

    std::optional<RunningLive> get(std::int64_t order_id) const;
    // Kept unless the entry already shows a later reading (two writes racing: the newer one stays).
    void put(std::int64_t order_id, const RunningLive& live);
    void forget(std::int64_t order_id);  // the session ended
    std::size_t size() const;

private:
    const bool enabled_;
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::int64_t, RunningLive> entries_;
};

}  // namespace kw::service
