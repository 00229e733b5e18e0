// kw/v1/<code>/state: the last will ({"online":false}) or a clean shutdown notice.
#include <spdlog/spdlog.h>

#include "device/mqtt/payload.hpp"
#include "device/mqtt/topics.hpp"
#include "http/json_body.hpp"
#include "live/redis.hpp"
#include "live/state.hpp"

namespace kw::device::mqtt {

void handle_state(app::Context& ctx, const std::string& code, const boost::json::object& p) {
    if (http::require_bool(p, "online")) return;  // online is shown by heartbeats alone
    const std::string reason = http::optional_string(p, "reason", 64).value_or("");
    live::LiveState live(ctx.redis, ctx.config.redis.prefix);
    if (!live.mark_offline(code)) return;
    spdlog::info("event=charger_offline code={} reason={}", code, reason);
    push_charger_event(ctx, code, live.charger(code).station_id, 0, "offline",
                       {{"online", false}, {"reason", reason}});
}

}  // namespace kw::device::mqtt
