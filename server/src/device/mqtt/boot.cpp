// kw/v1/<code>/boot: the charger's identity and boot id; answered with boot_result by the service.
#include "device/mqtt/payload.hpp"
#include "device/mqtt/topics.hpp"
#include "domain/json_fields.hpp"
#include "service/charger_events.hpp"

namespace kw::device::mqtt {

void handle_boot(app::Context& ctx, const std::string& code, const boost::json::object& p,
                 UtcMs received_at) {
    ChargerBooted e;
    e.code = code;
    e.vendor = domain::optional_string(p, "vendor", 100).value_or("");
    e.model = domain::optional_string(p, "model", 100).value_or("");
    e.firmware = domain::optional_string(p, "firmware", 100).value_or("");
    e.boot_id = domain::require_string(p, "boot_id", 64);
    e.at = reported_time(p);
    e.received_at = received_at;
    service::apply_boot(ctx, e);
}

}  // namespace kw::device::mqtt
