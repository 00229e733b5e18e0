// kw/v1/<code>/heartbeat: keeps the charger's online flag alive (TTL = heartbeat_s x missed_heartbeats).
#include <spdlog/spdlog.h>

#include "device/mqtt/payload.hpp"
#include "device/mqtt/topics.hpp"
#include "live/redis.hpp"
#include "live/state.hpp"

namespace kw::device::mqtt {

void handle_heartbeat(app::Context& ctx, const std::string& code, const boost::json::object&) {
    live::LiveState live(ctx.redis, ctx.config.redis.prefix);
    const auto before = live.charger(code);
    std::int64_t station_id = before.station_id;
    if (before.boot_id.empty()) {
        // Never booted here (or Redis lost it): only a known charger may be marked online.
        station_id = known_charger(ctx, code).station_id;
    }
    live.mark_seen(code, ctx.clock.now(), ctx.config.orders.heartbeat_s * ctx.config.orders.missed_heartbeats);
    if (!before.online) {
        spdlog::info("event=charger_online code={}", code);
        push_charger_event(ctx, code, station_id, 0, "online", {{"online", true}});
    }
}

}  // namespace kw::device::mqtt
