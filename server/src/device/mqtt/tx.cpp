// kw/v1/<code>/tx: transaction started/ended. Each (charger, tx_id, seq) is applied exactly once: the
// tx_events row is written in the same SQL transaction as the effect, and tx_ack is sent only after
// commit, so a redelivery or a replay after reconnect finds the row and is only acknowledged again.
#include <algorithm>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "device/commands.hpp"
#include "device/mqtt/payload.hpp"
#include "device/mqtt/topics.hpp"
#include "domain/error.hpp"
#include "http/json_body.hpp"
#include "live/state.hpp"
#include "service/orders.hpp"
#include "service/running.hpp"
#include "service/wallet.hpp"
#include "store/chargers_repo.hpp"
#include "store/db.hpp"

namespace kw::device::mqtt {

namespace {

using domain::StopReason;

void ack(app::Context& ctx, const std::string& code, const std::string& tx_id, std::int64_t seq) {
    ctx.commands.send(code, {{"cmd", "tx_ack"}, {"tx_id", tx_id}, {"seq", seq}});
}

void stop_stray(app::Context& ctx, const std::string& code, int connector, const std::string& tx_id,
                std::int64_t order_id) {
    ctx.commands.send(code, {{"cmd", "stop"},
                             {"corr", "tx-" + tx_id + "-stop"},
                             {"connector", connector},
                             {"order_id", order_id},
                             {"tx_id", tx_id},
                             {"reason", "other"}});
}

// The stop reason of an ended event: a stop the server asked for keeps its own reason.
StopReason ended_reason(const store::Order& o, const std::string& charger_reason) {
    if (o.state == "stopping" && o.stop_reason) return domain::stop_reason_from_string(*o.stop_reason);
    if (charger_reason == "local") return StopReason::charger_local;
    if (charger_reason == "ev_full") return StopReason::ev_full;
    if (charger_reason == "fault") return StopReason::fault;
    if (charger_reason == "power_loss") return StopReason::power_loss;
    if (charger_reason == "reboot") return StopReason::charger_rebooted;
    if (charger_reason == "remote") return o.stop_reason ? domain::stop_reason_from_string(*o.stop_reason)
                                                         : StopReason::driver;
    return StopReason::other;
}

}  // namespace

void handle_tx(app::Context& ctx, const std::string& code, const boost::json::object& p) {
    const std::string event = http::require_string(p, "event", 16);
    const std::string tx_id = http::require_string(p, "tx_id", 64);
    const std::int64_t seq = http::require_int(p, "seq");
    const std::int64_t connector = http::require_int(p, "connector");
    const std::int64_t order_id = http::require_int(p, "order_id");
    const std::int64_t meter_wh = http::require_int(p, "meter_wh");
    if (event != "started" && event != "ended") throw Error(Errc::bad_request, "unknown tx event: " + event);
    if (seq < 1 || meter_wh < 0 || connector < 1) throw Error(Errc::bad_request, "seq, connector or meter_wh out of range");
    const UtcMs at = message_time(ctx, p);
    const store::ChargerRef charger = known_charger(ctx, code);
    const UtcMs now = ctx.clock.now();

    auto sql = ctx.db.session();
    soci::transaction tr(*sql);
    if (!store::record_tx_event(*sql, charger.id, tx_id, seq, event, now)) {
        tr.rollback();
        spdlog::info("event=tx_duplicate code={} tx_id={} seq={}", code, tx_id, seq);
        ack(ctx, code, tx_id, seq);
        return;
    }
    auto order = store::find_order(*sql, order_id);
    const bool ours = order && order->charger_id == charger.id && order->connector_no == connector;
    if (!ours) {
        tr.commit();
        spdlog::warn("event=tx_unknown_order code={} tx_id={} order={}", code, tx_id, order_id);
        if (event == "started") stop_stray(ctx, code, static_cast<int>(connector), tx_id, order_id);
        ack(ctx, code, tx_id, seq);
        return;
    }

    if (event == "started") {
        if (order->state != "starting") {
            tr.commit();
            // A start after the order was cancelled (start timeout) or a second start: stop it.
            spdlog::warn("event=tx_started_late code={} order={} state={}", code, order->id, order->state);
            if (!domain::is_active(domain::order_state_from_string(order->state)))
                stop_stray(ctx, code, static_cast<int>(connector), tx_id, order->id);
            ack(ctx, code, tx_id, seq);
            return;
        }
        // No session began before its order existed: an earlier time could only move energy into
        // other (dearer) tariff periods.
        const UtcMs started_at = std::max(at, order->created_at);
        store::mark_started(*sql, order->id, tx_id, meter_wh, started_at, now);
        store::insert_sample(*sql, order->id, started_at, meter_wh);
        const std::int64_t balance = order->driver_id ? service::balance(*sql, order->driver_id) : 0;
        const std::int64_t max_w = store::connector_max_w(*sql, charger.id, static_cast<int>(connector));
        tr.commit();
        service::running_begin(ctx, *order, meter_wh, started_at, balance, max_w);
        live::LiveState(ctx.redis, ctx.config.redis.prefix)
            .set_connector_order(code, static_cast<int>(connector), order->id, tx_id);
        spdlog::info("event=tx_started code={} order={} tx_id={} meter_wh={}", code, order->id, tx_id, meter_wh);
    } else {
        service::SettleInput in;
        in.end_at = at;
        in.end_wh = meter_wh;
        in.reason = ended_reason(*order, http::optional_string(p, "reason", 32).value_or("other"));
        in.tx_id = tx_id;
        in.reported_by_charger = true;
        in.start_wh = http::optional_int(p, "meter_start_wh");
        if (in.start_wh && *in.start_wh < 0) throw Error(Errc::bad_request, "meter_start_wh out of range");
        if (auto started = http::optional_string(p, "started_at", 40)) in.started_at = parse_utc(*started);
        const bool settled = service::settle(ctx, *sql, *order, in);
        tr.commit();
        if (settled) {
            service::running_end(ctx, *order);
            live::LiveState(ctx.redis, ctx.config.redis.prefix).set_connector_order(code, static_cast<int>(connector), 0, "");
        } else {
            spdlog::info("event=tx_ended_for_closed_order code={} order={} state={}", code, order->id, order->state);
        }
    }
    ack(ctx, code, tx_id, seq);
    service::push_order(ctx, *store::find_order(*sql, order_id));
}

}  // namespace kw::device::mqtt
