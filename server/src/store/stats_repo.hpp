#pragma once
// Aggregates for the dashboard. Plain functions on a caller's session; worker threads only.
#include <soci/soci.h>

#include <cstdint>

#include "domain/clock.hpp"

namespace kw::store {

// Orders in starting/charging/stopping.
std::int64_t count_active_sessions(soci::session& sql);

struct SettledTotals {
    std::int64_t energy_wh = 0;
    std::int64_t revenue_fen = 0;  // total_fen - refunded_fen
    std::int64_t orders = 0;
};
// Settled orders with settled_at in [from, to).
SettledTotals settled_between(soci::session& sql, UtcMs from, UtcMs to);

}  // namespace kw::store
