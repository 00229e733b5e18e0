#pragma once
// The periodic pass that keeps time-based promises: start/stop command repeats and timeouts, chargers that
// went silent (missed heartbeats), sessions on chargers offline too long, due schedules. Every
// action is claimed in SQL or Redis first, so several instances can sweep at once. One pass runs
// on a worker thread; main.cpp schedules it every orders.sweep_interval_ms.
#include "app/context.hpp"

namespace kw::service {

void sweep(app::Context& ctx);

}  // namespace kw::service
