#include "service/live_counts.hpp"

#include "live/state.hpp"
#include "store/db.hpp"
#include "store/stats_repo.hpp"

namespace kw::service {

std::int64_t chargers_online(app::Context& ctx) {
    const std::int64_t window_ms = ctx.config.orders.heartbeat_s * ctx.config.orders.missed_heartbeats * 1000;
    return live::LiveState(ctx.redis, ctx.config.redis.prefix).count_seen_since(ctx.clock.now() - window_ms);
}

std::int64_t sessions_active(app::Context& ctx) {
    auto s = ctx.db.read_session();  // a count: never SQLite's one writer (every /metrics scrape asks it)
    return store::count_active_sessions(*s);
}

}  // namespace kw::service
