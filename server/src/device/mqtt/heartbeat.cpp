// kw/v1/<code>/heartbeat: keeps the charger's online flag alive; its ts measures the charger's clock.
#include "device/mqtt/payload.hpp"
#include "device/mqtt/topics.hpp"
#include "service/charger_events.hpp"

namespace kw::device::mqtt {

void handle_heartbeat(app::Context& ctx, const std::string& code, const boost::json::object& p,
                      UtcMs received_at) {
    service::apply_heartbeat(ctx, Heartbeat{code, reported_time(p), received_at});
}

}  // namespace kw::device::mqtt
