// kw/v1/<code>/ack: the charger's answer to a start or stop command ("corr" = "o<order>-start").
#include <spdlog/spdlog.h>

#include "device/mqtt/payload.hpp"
#include "device/mqtt/topics.hpp"
#include "http/json_body.hpp"
#include "service/orders.hpp"
#include "store/db.hpp"

namespace kw::device::mqtt {

void handle_ack(app::Context& ctx, const std::string& code, const boost::json::object& p) {
    const std::string corr = http::require_string(p, "corr", 100);
    const std::string cmd = http::require_string(p, "cmd", 32);
    const bool accepted = http::require_bool(p, "accepted");
    const std::string reason = http::optional_string(p, "reason", 100).value_or("");
    spdlog::info("event=command_ack code={} corr={} cmd={} accepted={} reason={}", code, corr, cmd, accepted, reason);
    if (cmd != "start" || accepted) return;
    // "o42-start": the start of order 42 was refused: cancel it at no charge.
    if (corr.size() < 8 || corr.front() != 'o' || corr.substr(corr.size() - 6) != "-start") return;
    std::int64_t order_id = 0;
    try {
        order_id = std::stoll(corr.substr(1, corr.size() - 7));
    } catch (const std::exception&) {
        return;
    }
    const store::ChargerRef charger = known_charger(ctx, code);
    {
        auto sql = ctx.db.session();
        auto order = store::find_order(*sql, order_id);
        if (!order || order->charger_id != charger.id) return;  // another charger's order: ignore
    }
    service::cancel_start(ctx, order_id, domain::StopReason::start_rejected);
}

}  // namespace kw::device::mqtt
