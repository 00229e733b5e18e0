#include "device/mqtt/payload.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <cstdlib>

namespace kw::device::mqtt {

UtcMs message_time(app::Context& ctx, const boost::json::object& payload) {
    const UtcMs now = ctx.clock.now();
    auto it = payload.find("ts");
    if (it == payload.end() || !it->value().is_string()) return now;
    try {
        UtcMs t = parse_utc(std::string(it->value().as_string()));
        if (std::llabs(t - now) > 10 * 60 * 1000) {
            spdlog::warn("event=charger_clock_off ts={} server={}", format_utc(t), format_utc(now));
            return now;
        }
        return t;
    } catch (const std::exception&) {
        return now;
    }
}

}  // namespace kw::device::mqtt
