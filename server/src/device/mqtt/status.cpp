// kw/v1/<code>/status: a connector's status change.
#include "device/mqtt/payload.hpp"
#include "device/mqtt/topics.hpp"
#include "domain/error.hpp"
#include "domain/json_fields.hpp"
#include "service/charger_events.hpp"

namespace kw::device::mqtt {

void handle_status(app::Context& ctx, const std::string& code, const boost::json::object& p,
                   UtcMs received_at) {
    const std::int64_t connector = domain::require_int(p, "connector");
    const std::string status = domain::require_string(p, "status", 32);
    const auto parsed = connector_status_from_string(status);
    if (!parsed) throw Error(Errc::bad_request, "unknown status: " + status);
    if (connector < 1 || connector > 64) throw Error(Errc::bad_request, "unknown connector " + std::to_string(connector));
    service::apply_connector_status(
        ctx, ConnectorStatusChanged{code, static_cast<int>(connector), *parsed, reported_time(p), received_at});
}

}  // namespace kw::device::mqtt
