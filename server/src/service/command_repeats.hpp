#pragma once
// Commands a charger has not confirmed go out again. A start or stop can be lost on its way (the
// broker restarted between the server's publish and the charger, whose session is a clean one): while
// an order is starting and its start not acknowledged, the start is repeated every kStartRepeatS;
// while it is stopping, the stop every kStopRepeatS, until the charger ends the session or the timeout
// decides. One instance repeats each (a Redis guard <prefix>startrepeat:<id> / stoprepeat:<id>).
// Chargers treat repeats as idempotent (docs/device-protocol.md). Worker threads only.
#include <cstdint>

#include "app/context.hpp"
#include "service/orders.hpp"  // kStopRepeatS (also the stale-transaction stop's period)

namespace kw::service {

inline constexpr std::int64_t kStartRepeatS = 5;

// The sweeper's step: repeats what is due (starting orders older than kStartRepeatS, stopping ones
// older than kStopRepeatS).
void repeat_unconfirmed_commands(app::Context& ctx, UtcMs now);

// The charger accepted the order's start: no more repeats of it (its tx events confirm the rest).
void start_acknowledged(app::Context& ctx, std::int64_t order_id);

}  // namespace kw::service
