#pragma once
// Limits a driver may put on a session (energy, amount, duration), scheduled-start windows and the
// balance guard that stops a session before the wallet runs dry. Pure functions, any thread.
#include <cstdint>
#include <optional>

#include "domain/clock.hpp"

namespace kw::domain {

inline constexpr std::int64_t kMaxLimitEnergyWh = 1'000'000;
inline constexpr std::int64_t kMaxLimitAmountFen = 10'000'000;
inline constexpr std::int64_t kMaxLimitMinutes = 1440;
inline constexpr std::int64_t kScheduleGraceMs = 60'000;                    // start_at may lie 60 s back
inline constexpr std::int64_t kScheduleHorizonMs = 7LL * 24 * 3600 * 1000;  // and at most 7 days ahead

struct StopLimits {
    std::optional<std::int64_t> energy_wh;
    std::optional<std::int64_t> amount_fen;
    std::optional<std::int64_t> minutes;
};

// Each limit, when present, is > 0 and at most its kMax*; otherwise bad_request naming it.
void validate_limits(const StopLimits& limits);

// start_at in [now - 60 s, now + 7 days]; otherwise bad_request.
void validate_schedule_start(UtcMs now, UtcMs start_at);

enum class LimitHit { none, energy, amount, time };

// The first limit reached (checked in the order energy, amount, time); a limit is reached when the
// value is >= the limit.
LimitHit limit_reached(const StopLimits& limits, std::int64_t energy_wh, std::int64_t cost_fen,
                       UtcMs started_at, UtcMs now);

// True when cost_so_far plus the cost of the next lookahead_seconds at power_w would reach the
// balance: cost_so_far + power_w * lookahead / 3600 Wh * price / 100000 fen/Wh >= balance, computed
// exactly (no rounding). price_total_per_kwh = electricity + service in 1/10000 yuan per kWh.
// Negative power or lookahead count as 0.
bool should_stop_for_balance(std::int64_t balance_fen, std::int64_t cost_so_far_fen, std::int64_t power_w,
                             std::int64_t price_total_per_kwh, int lookahead_seconds);

}  // namespace kw::domain
