// kw/v1/<code>/ack: the charger's answer to a command; "corr" names it (device/mqtt/correlation.hpp).
#include <spdlog/spdlog.h>

#include "device/mqtt/correlation.hpp"
#include "device/mqtt/topics.hpp"
#include "domain/error.hpp"
#include "domain/json_fields.hpp"
#include "domain/json_text.hpp"
#include "service/charger_events.hpp"

namespace kw::device::mqtt {

void handle_ack(app::Context& ctx, const std::string& code, const boost::json::object& p, UtcMs) {
    CommandAcknowledged e;
    e.code = code;
    const std::string corr = domain::require_string(p, "corr", 100);
    const std::string cmd = domain::require_string(p, "cmd", 32);
    e.accepted = domain::require_bool(p, "accepted");
    e.reason = domain::optional_string(p, "reason", 100).value_or("");
    if (const auto* result = p.if_contains("result")) {
        if (!result->is_object()) throw Error(Errc::bad_request, "field 'result' must be an object");
        e.result = domain::to_json(*result);
    }
    spdlog::info("event=command_ack code={} corr={} cmd={} accepted={} reason={}", code, corr, cmd, e.accepted,
                 e.reason);
    e.command = parse_correlation_id(corr);
    // An ack whose cmd contradicts its corr is not ours to interpret.
    if (e.command && to_string(e.command->kind) != cmd) e.command.reset();
    service::apply_command_ack(ctx, e);
}

}  // namespace kw::device::mqtt
