#include "device/mqtt/payload.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "domain/error.hpp"
#include "store/db.hpp"
#include "ws/push.hpp"

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

store::ChargerRef known_charger(app::Context& ctx, const std::string& code) {
    auto sql = ctx.db.session();
    auto ref = store::find_charger_ref(*sql, code);
    if (!ref) throw Error(Errc::not_found, "unknown charger");
    return *ref;
}

void push_charger_event(app::Context& ctx, const std::string& code, std::int64_t station_id, int connector,
                        const std::string& event, const boost::json::object& data) {
    boost::json::object body = data;
    body["charger_code"] = code;
    if (connector > 0) body["connector"] = connector;
    const std::string text = boost::json::serialize(body);
    ctx.push.publish("charger:" + code, event, text);
    if (connector > 0) ctx.push.publish("connector:" + code + ":" + std::to_string(connector), event, text);
    if (station_id > 0) ctx.push.publish("station:" + std::to_string(station_id), event, text);
    if (event != "meter") ctx.push.publish("dashboard", event, text);  // the dashboard wants changes, not every sample
}

}  // namespace kw::device::mqtt
