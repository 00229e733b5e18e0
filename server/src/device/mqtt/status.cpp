// kw/v1/<code>/status: a connector's status change.
#include <array>

#include "device/mqtt/payload.hpp"
#include "device/mqtt/topics.hpp"
#include "domain/error.hpp"
#include "http/json_body.hpp"
#include "live/state.hpp"

namespace kw::device::mqtt {

void handle_status(app::Context& ctx, const std::string& code, const boost::json::object& p) {
    static constexpr std::array<std::string_view, 7> kStatuses = {
        "available", "preparing", "charging", "suspended", "finishing", "faulted", "unavailable"};
    const std::int64_t connector = http::require_int(p, "connector");
    const std::string status = http::require_string(p, "status", 32);
    if (std::find(kStatuses.begin(), kStatuses.end(), status) == kStatuses.end())
        throw Error(Errc::bad_request, "unknown status: " + status);
    const store::ChargerRef charger = known_charger(ctx, code);
    if (connector < 1 || connector > charger.connectors)
        throw Error(Errc::bad_request, "unknown connector " + std::to_string(connector));
    const UtcMs at = message_time(ctx, p);
    live::LiveState(ctx.redis, ctx.config.redis.prefix).set_connector_status(code, static_cast<int>(connector), status, at);
    push_charger_event(ctx, code, charger.station_id, static_cast<int>(connector), "status",
                       {{"status", status}, {"at", format_utc(at)}});
}

}  // namespace kw::device::mqtt
