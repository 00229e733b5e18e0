// kw/v1/<code>/fault: an alarm raised or cleared.
#include "device/mqtt/payload.hpp"
#include "device/mqtt/topics.hpp"
#include "domain/error.hpp"
#include "domain/json_fields.hpp"
#include "service/charger_events.hpp"

namespace kw::device::mqtt {

void handle_fault(app::Context& ctx, const std::string& code, const boost::json::object& p,
                  UtcMs received_at) {
    FaultReported e;
    e.code = code;
    const std::int64_t connector = domain::optional_int(p, "connector").value_or(0);
    e.fault = domain::require_string(p, "code", 64);
    const std::string severity = domain::optional_string(p, "severity", 16).value_or("error");
    e.message = domain::optional_string(p, "message", 255).value_or("");
    e.cleared = domain::optional_bool(p, "cleared").value_or(false);
    const auto parsed = fault_severity_from_string(severity);
    if (!parsed) throw Error(Errc::bad_request, "unknown severity: " + severity);
    if (connector < 0 || connector > 64) throw Error(Errc::bad_request, "unknown connector");
    e.severity = *parsed;
    e.connector = static_cast<int>(connector);
    e.at = reported_time(p);
    e.received_at = received_at;
    service::apply_fault(ctx, e);
}

}  // namespace kw::device::mqtt
