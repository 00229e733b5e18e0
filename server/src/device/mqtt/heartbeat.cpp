// kw/v1/<code>/heartbeat: keeps the charger's online flag alive; the payload carries nothing needed.
#include "device/mqtt/topics.hpp"
#include "service/charger_events.hpp"

namespace kw::device::mqtt {

void handle_heartbeat(app::Context& ctx, const std::string& code, const boost::json::object&) {
    service::apply_heartbeat(ctx, Heartbeat{code});
}

}  // namespace kw::device::mqtt
