// kw/v1/<code>/meter: the hot path. Latest values go to Redis only; a billing sample goes to SQL
// when a tariff boundary was crossed or persist_interval_s passed; limits and the balance guard may
// stop the session here. During a session an implausible reading is refused first (domain/meter.hpp).
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "device/mqtt/payload.hpp"
#include "device/mqtt/topics.hpp"
#include "domain/error.hpp"
#include "domain/meter.hpp"
#include "http/json_body.hpp"
#include "live/redis.hpp"
#include "live/state.hpp"
#include "service/orders.hpp"
#include "service/running.hpp"
#include "store/db.hpp"
#include "ws/push.hpp"

namespace kw::device::mqtt {

void handle_meter(app::Context& ctx, const std::string& code, const boost::json::object& p) {
    const std::int64_t connector = http::require_int(p, "connector");
    live::ConnectorLive sample;
    sample.energy_wh = http::require_int(p, "energy_wh");
    sample.power_w = http::optional_int(p, "power_w").value_or(0);
    sample.voltage_v = http::optional_double(p, "voltage_v").value_or(0);
    sample.current_a = http::optional_double(p, "current_a").value_or(0);
    sample.soc = http::optional_int(p, "soc");
    if (connector < 1 || connector > 64) throw Error(Errc::bad_request, "unknown connector");
    if (sample.energy_wh < 0 || sample.power_w < 0) throw Error(Errc::bad_request, "negative energy or power");
    if (sample.soc && (*sample.soc < 0 || *sample.soc > 100)) throw Error(Errc::bad_request, "soc out of range");
    sample.at = message_time(ctx, p);

    // A charger must have booted (with a known code) before its meter values count.
    live::LiveState live(ctx.redis, ctx.config.redis.prefix);
    const live::ChargerLive charger = live.charger(code);
    if (charger.boot_id.empty()) throw Error(Errc::conflict, "meter values before boot");
    const std::int64_t station_id = charger.station_id;
    const int n = static_cast<int>(connector);

    // During a session the reading is judged before anything uses it: one that goes backwards or
    // rises faster than the connector's max power is refused and changes nothing (live values,
    // SQL samples, pushes), so the estimate and the bill count each Wh once.
    const std::int64_t order_id = live.connector(code, n).order_id;
    service::RunningUpdate up;
    if (order_id != 0) {
        up = service::running_update(ctx, order_id, sample.at, sample.energy_wh, sample.power_w, sample.soc);
        if (up.rejected) {
            spdlog::warn(
                "event=mqtt_rejected charger={} connector={} order={} reason={} energy_wh={} at={} last_wh={} "
                "last_at={}",
                code, n, order_id, domain::to_string(*up.rejected), sample.energy_wh, format_utc(sample.at),
                up.last.wh, format_utc(up.last.at));
            return;
        }
    }
    live.set_connector_meter(code, n, sample);
    boost::json::object data{{"power_w", sample.power_w},
                             {"energy_register_wh", sample.energy_wh},
                             {"voltage_v", sample.voltage_v},
                             {"current_a", sample.current_a},
                             {"at", format_utc(sample.at)}};
    data["soc"] = sample.soc ? boost::json::value(*sample.soc) : boost::json::value(nullptr);
    push_charger_event(ctx, code, station_id, n, "meter", data);

    if (order_id == 0 || !up.known) return;
    if (up.persist_previous || up.persist_current) {
        auto sql = ctx.db.session();
        soci::transaction tr(*sql);
        if (up.persist_previous) store::insert_sample(*sql, order_id, up.persist_previous->at, up.persist_previous->wh);
        store::insert_sample(*sql, order_id, sample.at, sample.energy_wh);
        store::update_meter(*sql, order_id, sample.energy_wh, sample.at);
        tr.commit();
    }
    boost::json::object meter{{"order_id", order_id},  {"energy_wh", up.energy_wh}, {"cost_fen", up.cost_fen},
                              {"power_w", sample.power_w}, {"at", format_utc(sample.at)}};
    meter["soc"] = sample.soc ? boost::json::value(*sample.soc) : boost::json::value(nullptr);
    ctx.push.publish("order:" + std::to_string(order_id), "meter", boost::json::serialize(meter));
    if (up.stop) {
        spdlog::info("event=order_auto_stop order={} reason={} energy_wh={} cost_fen={}", order_id,
                     domain::to_string(*up.stop), up.energy_wh, up.cost_fen);
        try {
            service::request_stop(ctx, order_id, *up.stop);
        } catch (const Error& e) {
            spdlog::warn("event=order_auto_stop_failed order={} error=\"{}\"", order_id, e.what());
        }
    }
}

}  // namespace kw::device::mqtt
