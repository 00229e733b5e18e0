// The meter-sample use case (service/charger_events.hpp), the hot path: latest values go to Redis
// only; a billing sample goes to SQL when a tariff boundary was crossed or persist_interval_s
// passed; limits and the balance guard may stop the session here. During a session an implausible
// reading is refused first (domain/meter.hpp).
#include <boost/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "domain/error.hpp"
#include "domain/json_text.hpp"
#include "domain/meter.hpp"
#include "live/redis.hpp"
#include "live/state.hpp"
#include "service/charger_events.hpp"
#include "service/orders.hpp"
#include "service/running.hpp"
#include "store/db.hpp"
#include "ws/push.hpp"

namespace kw::service {

void apply_meter_sample(app::Context& ctx, const device::MeterSample& e) {
    if (e.connector < 1 || e.connector > 64) throw Error(Errc::bad_request, "unknown connector");
    if (e.energy_wh < 0 || e.power_w < 0) throw Error(Errc::bad_request, "negative energy or power");
    if (e.soc && (*e.soc < 0 || *e.soc > 100)) throw Error(Errc::bad_request, "soc out of range");

    // A charger must have booted (with a known code) before its meter values count.
    // Redis round trips per sample: the charger and its connector (one), the running state of the
    // session (one), and every write of the sample (one pipeline).
    const int n = e.connector;
    live::LiveState live(ctx.redis, ctx.config.redis.prefix);
    const auto [charger, connector] = live.charger_and_connector(e.code, n);
    if (charger.boot_id.empty()) throw Error(Errc::conflict, "meter values before boot");
    const std::int64_t station_id = charger.station_id;

    // During a session the reading is judged before anything uses it: one that goes backwards or
    // rises faster than the connector's max power is refused and changes nothing (live values,
    // SQL samples, pushes), so the estimate and the bill count each Wh once.
    const std::int64_t order_id = connector.order_id;
    RunningUpdate up;
    if (order_id != 0) {
        up = running_update(ctx, order_id, e.at, e.energy_wh, e.power_w, e.soc);
        if (up.rejected) {
            spdlog::warn(
                "event=mqtt_rejected charger={} connector={} order={} reason={} energy_wh={} at={} last_wh={} "
                "last_at={}",
                e.code, n, order_id, domain::to_string(*up.rejected), e.energy_wh, format_utc(e.at), up.last.wh,
                format_utc(up.last.at));
            return;
        }
        if (up.stale) {
            // Written, it would set the connector's live values back to an older reading.
            spdlog::info("event=meter_stale charger={} connector={} order={} at={} last_at={}", e.code, n, order_id,
                         format_utc(e.at), format_utc(up.last.at));
            return;
        }
    }
    live::ConnectorLive sample;
    sample.energy_wh = e.energy_wh;
    sample.power_w = e.power_w;
    sample.voltage_v = e.voltage_v;
    sample.current_a = e.current_a;
    sample.soc = e.soc;
    sample.at = e.at;
    std::vector<std::vector<std::string>> writes{live.connector_meter_command(e.code, n, sample)};
    if (!up.write.empty()) writes.push_back(std::move(up.write));
    ctx.redis.pipeline(writes);
    const boost::json::value soc = e.soc ? boost::json::value(*e.soc) : boost::json::value(nullptr);
    push_charger_event(ctx, e.code, station_id, n, "meter",
                       {{"power_w", e.power_w},
                        {"energy_register_wh", e.energy_wh},
                        {"voltage_v", e.voltage_v},
                        {"current_a", e.current_a},
                        {"at", format_utc(e.at)},
                        {"soc", soc}});

    if (order_id == 0 || !up.known) return;
    if (up.persist_previous || up.persist_current) {
        auto sql = ctx.db.session();
        soci::transaction tr(*sql);
        if (up.persist_previous) store::insert_sample(*sql, order_id, up.persist_previous->at, up.persist_previous->wh);
        store::insert_sample(*sql, order_id, e.at, e.energy_wh);
        store::update_meter(*sql, order_id, e.energy_wh, e.at);
        tr.commit();
    }
    boost::json::object meter{{"order_id", order_id},    {"energy_wh", up.energy_wh}, {"cost_fen", up.cost_fen},
                              {"power_w", e.power_w},    {"at", format_utc(e.at)},    {"soc", soc}};
    ctx.push.publish("order:" + std::to_string(order_id), "meter", domain::to_json(meter));
    if (up.stop) {
        spdlog::info("event=order_auto_stop order={} reason={} energy_wh={} cost_fen={}", order_id,
                     domain::to_string(*up.stop), up.energy_wh, up.cost_fen);
        try {
            request_stop(ctx, order_id, *up.stop);
        } catch (const Error& ex) {
            spdlog::warn("event=order_auto_stop_failed order={} error=\"{}\"", order_id, ex.what());
        }
    }
}

}  // namespace kw::service
