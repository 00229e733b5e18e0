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
//
// It also remembers which order each connector's readings last belonged to (order_hint), on every
// instance, cluster or not: the meter path reads that order's running state in the same round trip
// as the connector's live record, and uses it only when the record names that order.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
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

    // The order of the connector's last reading here (0: none known). A hint: it may be out of date.
    std::int64_t order_hint(const std::string& code, int connector) const;
    // 0 forgets. Callers set it when it changed (the meter path compares with what it read).
    void set_order_hint(const std::string& code, int connector, std::int64_t order_id);
    // Hints kept at most (one per connector that sent readings); past it they start over.
    static constexpr std::size_t kMaxHints = 1'000'000;

private:
    const bool enabled_;
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::int64_t, RunningLive> entries_;
    mutable std::shared_mutex hints_mutex_;
    std::unordered_map<std::string, std::int64_t> hints_;  // "<code>:<connector>" -> order id
};

}  // namespace kw::service
