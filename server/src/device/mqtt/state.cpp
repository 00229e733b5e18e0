// kw/v1/<code>/state: the last will ({"online":false}) or a clean shutdown notice.
#include "device/mqtt/topics.hpp"
#include "domain/json_fields.hpp"
#include "service/charger_events.hpp"

namespace kw::device::mqtt {

void handle_state(app::Context& ctx, const std::string& code, const boost::json::object& p, UtcMs) {
    if (domain::require_bool(p, "online")) return;  // online is shown by heartbeats alone
    service::apply_connection_lost(ctx, ConnectionLost{code, domain::optional_string(p, "reason", 64).value_or("")});
}

}  // namespace kw::device::mqtt
