// kw/v1/<code>/pending: an OCPP edge holds a charge point the broker does not know, and announces it
// at each of its BootNotifications for the operator's approval (service/pending_stations.hpp).
// Published with the edge's own account (mqtt.edge_username), which may publish only this kind.
#include "device/mqtt/topics.hpp"
#include "domain/error.hpp"
#include "domain/json_fields.hpp"
#include "service/pending_stations.hpp"

namespace kw::device::mqtt {

void handle_pending(app::Context& ctx, const std::string& code, const boost::json::object& p, UtcMs received_at) {
    service::PendingStation hello;
    hello.code = code;
    hello.protocol = domain::require_string(p, "protocol", 16);
    if (hello.protocol != "ocpp1.6") throw Error(Errc::bad_request, "field 'protocol' must be ocpp1.6");
    hello.vendor = domain::optional_string(p, "vendor", 64).value_or("");
    hello.model = domain::optional_string(p, "model", 64).value_or("");
    hello.serial = domain::optional_string(p, "serial", 64).value_or("");
    hello.firmware = domain::optional_string(p, "firmware", 64).value_or("");
    service::record_pending_station(ctx, hello, received_at);
}

}  // namespace kw::device::mqtt
