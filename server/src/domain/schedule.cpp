#include "domain/schedule.hpp"

#include <algorithm>
#include <string>

#include "domain/error.hpp"

namespace kw::domain {

namespace {

void check_limit(const std::optional<std::int64_t>& value, std::int64_t max, const char* name,
                 const char* unit) {
    if (!value) return;
    if (*value <= 0) {
        throw Error(Errc::bad_request, std::string(name) + " must be greater than 0");
    }
    if (*value > max) {
        throw Error(Errc::bad_request,
                    std::string(name) + " must be at most " + std::to_string(max) + " " + unit);
    }
}

}  // namespace

void validate_limits(const StopLimits& limits) {
    check_limit(limits.energy_wh, kMaxLimitEnergyWh, "energy limit", "Wh");
    check_limit(limits.amount_fen, kMaxLimitAmountFen, "amount limit", "fen");
    check_limit(limits.minutes, kMaxLimitMinutes, "time limit", "minutes");
}

void validate_schedule_start(UtcMs now, UtcMs start_at) {
    if (start_at < now - kScheduleGraceMs) {
        throw Error(Errc::bad_request, "scheduled start " + format_utc(start_at) + " is in the past");
    }
    if (start_at > now + kScheduleHorizonMs) {
        throw Error(Errc::bad_request,
                    "scheduled start " + format_utc(start_at) + " is more than 7 days ahead");
    }
}

LimitHit limit_reached(const StopLimits& limits, std::int64_t energy_wh, std::int64_t cost_fen,
                       UtcMs started_at, UtcMs now) {
    if (limits.energy_wh && energy_wh >= *limits.energy_wh) return LimitHit::energy;
    if (limits.amount_fen && cost_fen >= *limits.amount_fen) return LimitHit::amount;
    if (limits.minutes && now - started_at >= *limits.minutes * 60'000) return LimitHit::time;
    return LimitHit::none;
}

bool should_stop_for_balance(std::int64_t balance_fen, std::int64_t cost_so_far_fen, std::int64_t power_w,
                             std::int64_t price_total_per_kwh, int lookahead_seconds) {
    // next_fen = power_w * lookahead_s / 3600 [Wh] * price / 100000 [fen/Wh]; compare exactly by
    // multiplying everything by 3600 * 100000.
    constexpr __int128 kScale = 3600LL * 100000LL;
    __int128 next = static_cast<__int128>(std::max<std::int64_t>(0, power_w)) *
                    std::max(0, lookahead_seconds) * std::max<std::int64_t>(0, price_total_per_kwh);
    return static_cast<__int128>(cost_so_far_fen) * kScale + next >=
           static_cast<__int128>(balance_fen) * kScale;
}

}  // namespace kw::domain
