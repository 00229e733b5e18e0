#pragma once
// Two numbers of the whole network for GET /metrics, read at scrape time instead of being kept in
// counters (they are shared by every instance, and a restart must not reset them):
// chargers online = seen within heartbeat_s × missed_heartbeats (one ZCOUNT on the Redis presence
// set, the same window as the online flag's TTL); sessions active = orders starting, charging or
// stopping (one COUNT in SQL). Worker threads only; throws when Redis or the database is down.
#include <cstdint>

#include "app/context.hpp"

namespace kw::service {

std::int64_t chargers_online(app::Context& ctx);
std::int64_t sessions_active(app::Context& ctx);

}  // namespace kw::service
