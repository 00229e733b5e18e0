// kw/v1/<code>/meter: a connector's register and measurements, applied by the service's hot path
// (inbox.cpp parses a drained batch's samples with parse_meter and applies them together).
#include "device/mqtt/payload.hpp"
#include "device/mqtt/topics.hpp"
#include "domain/error.hpp"
#include "domain/json_fields.hpp"
#include "service/charger_events.hpp"

namespace kw::device::mqtt {

MeterSample parse_meter(app::Context& ctx, const std::string& code, const boost::json::object& p,
                        UtcMs received_at) {
    MeterSample e;
    e.code = code;
    const std::int64_t connector = domain::require_int(p, "connector");
    e.energy_wh = domain::require_int(p, "energy_wh");
    e.power_w = domain::optional_int(p, "power_w").value_or(0);
    e.voltage_v = domain::optional_double(p, "voltage_v").value_or(0);
    e.current_a = domain::optional_double(p, "current_a").value_or(0);
    e.soc = domain::optional_int(p, "soc");
    e.tx_id = domain::optional_string(p, "tx_id", 64).value_or("");
    e.queued = domain::optional_bool(p, "queued").value_or(false);
    if (connector < 1 || connector > 64) throw Error(Errc::bad_request, "unknown connector");
    e.connector = static_cast<int>(connector);
    e.at = reported_time(p);
    e.received_at = received_at;
    return e;
}

void handle_meter(app::Context& ctx, const std::string& code, const boost::json::object& p,
                  UtcMs received_at) {
    service::apply_meter_sample(ctx, parse_meter(ctx, code, p, received_at));
}

}  // namespace kw::device::mqtt
