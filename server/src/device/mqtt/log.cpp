// kw/v1/<code>/log: frames a protocol edge exchanged with the charger (the OCPP edge sends a second of
// them at a time), kept for maintainers (service/protocol_log.hpp).
#include "device/mqtt/payload.hpp"
#include "device/mqtt/topics.hpp"
#include "domain/error.hpp"
#include "domain/json_fields.hpp"
#include "service/protocol_log.hpp"

namespace kw::device::mqtt {

void handle_log(app::Context& ctx, const std::string& code, const boost::json::object& p, UtcMs received_at) {
    const auto* entries = p.if_contains("entries");
    if (!entries || !entries->is_array() || entries->as_array().size() > 100)
        throw Error(Errc::bad_request, "field 'entries' must be an array of at most 100 frames");
    ProtocolLog log{code, {}};
    for (const auto& v : entries->as_array()) {
        if (!v.is_object()) throw Error(Errc::bad_request, "an entry must be an object");
        const auto& o = v.as_object();
        const std::string dir = domain::require_string(o, "dir", 4);
        if (dir != "in" && dir != "out") throw Error(Errc::bad_request, "field 'dir' must be in or out");
        const auto at = domain::optional_string(o, "at", 40);
        log.entries.push_back({dir == "in", at ? parse_utc(*at) : received_at, domain::require_string(o, "frame", 4000)});
    }
    service::append_protocol_log(ctx, log);
}

}  // namespace kw::device::mqtt
