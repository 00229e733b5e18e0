// kw/v1/<code>/boot: record the charger's identity, detect a reboot mid-session, answer boot_result.
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "device/commands.hpp"
#include "device/mqtt/payload.hpp"
#include "device/mqtt/topics.hpp"
#include "http/json_body.hpp"
#include "live/redis.hpp"
#include "live/state.hpp"
#include "service/orders.hpp"
#include "store/db.hpp"

namespace kw::device::mqtt {

void handle_boot(app::Context& ctx, const std::string& code, const boost::json::object& p) {
    const std::string vendor = http::optional_string(p, "vendor", 100).value_or("");
    const std::string model = http::optional_string(p, "model", 100).value_or("");
    const std::string firmware = http::optional_string(p, "firmware", 100).value_or("");
    const std::string boot_id = http::require_string(p, "boot_id", 64);
    const store::ChargerRef charger = known_charger(ctx, code);
    const UtcMs now = ctx.clock.now();
    std::vector<store::Order> active;
    {
        auto sql = ctx.db.session();
        store::record_boot(*sql, charger.id, vendor, model, firmware, now);
        active = store::active_orders_of_charger(*sql, charger.id);
    }
    live::LiveState live(ctx.redis, ctx.config.redis.prefix);
    const std::string previous = live.charger(code).boot_id;
    live.set_boot(code, boot_id, now, charger.station_id, vendor, model, firmware);
    live.mark_seen(code, now, ctx.config.orders.heartbeat_s * ctx.config.orders.missed_heartbeats);
    // A new boot id while sessions were running: the charger restarted and lost them. Close them at
    // their last known reading; an ended event it still holds is replayed later and applied once.
    if (!previous.empty() && previous != boot_id) {
        for (const auto& o : active) {
            spdlog::warn("event=charger_rebooted_mid_session code={} order={}", code, o.id);
            service::settle_at_last_meter(ctx, o.id, domain::StopReason::charger_rebooted);
        }
    }
    ctx.commands.send(code, {{"cmd", "boot_result"},
                             {"status", "accepted"},
                             {"heartbeat_s", ctx.config.orders.heartbeat_s},
                             {"server_time", format_utc(now)}});
    spdlog::info("event=charger_boot code={} boot_id={} vendor=\"{}\" model=\"{}\" firmware=\"{}\"", code, boot_id,
                 vendor, model, firmware);
    push_charger_event(ctx, code, charger.station_id, 0, "boot",
                       {{"online", true}, {"vendor", vendor}, {"model", model}, {"firmware", firmware}});
}

}  // namespace kw::device::mqtt
