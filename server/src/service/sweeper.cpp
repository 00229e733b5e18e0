#include "service/sweeper.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "domain/error.hpp"
#include "live/redis.hpp"
#include "live/state.hpp"
#include "service/charger_commands.hpp"
#include "service/charger_events.hpp"
#include "service/command_repeats.hpp"
#include "service/live_record.hpp"
#include "service/orders.hpp"
#include "service/schedules.hpp"
#include "store/db.hpp"
#include "ws/push.hpp"

namespace kw::service {

namespace {

template <class F>
void guarded(const char* what, F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        spdlog::error("event=sweep_failed step={} error=\"{}\"", what, e.what());
    }
}

}  // namespace

void sweep(app::Context& ctx) {
    const UtcMs now = ctx.clock.now();
    const auto& cfg = ctx.config.orders;
    live::LiveState live(ctx.redis, ctx.config.redis.prefix);

    guarded("start_timeouts", [&] {
        std::vector<std::int64_t> ids;
        {
            auto sql = ctx.db.session();
            ids = store::overdue_orders(*sql, domain::OrderState::starting, now, 100);
        }
        for (auto id : ids) {
            spdlog::info("event=order_start_timeout order={}", id);
            cancel_start(ctx, id, domain::StopReason::start_timeout);
        }
    });
    guarded("charger_commands", [&] { expire_charger_commands(ctx, now); });
    // After the start timeouts, so an order cancelled in this pass gets no last start.
    guarded("command_repeats", [&] { repeat_unconfirmed_commands(ctx, now); });
    guarded("stop_timeouts", [&] {
        std::vector<std::int64_t> ids;
        {
            auto sql = ctx.db.session();
            ids = store::overdue_orders(*sql, domain::OrderState::stopping, now, 100);
        }
        for (auto id : ids) {
            spdlog::warn("event=order_stop_timeout order={}", id);
            settle_at_last_meter(ctx, id, domain::StopReason::stop_timeout);
        }
    });
    guarded("presence", [&] {
        const UtcMs cutoff = now - cfg.heartbeat_s * cfg.missed_heartbeats * 1000;
        // A charger that went silent is a lost connection, whichever instance notices first.
        for (const std::string& code : live.silent_since(cutoff))
            apply_connection_lost(ctx, device::ConnectionLost{code, "missed_heartbeats"});
    });
    guarded("offline_sessions", [&] {
        // Redis new or emptied less than a heartbeat period ago: who is offline is not known yet
        // (every live charger is heard within that period), so no session is settled as offline.
        if (!presence_known(ctx, now)) return;
        std::vector<store::Order> silent;
        {
            auto sql = ctx.db.session();
            silent = store::silent_active_orders(*sql, now - cfg.offline_settle_s * 1000, 100);
        }
        for (const auto& o : silent) {
            if (live.charger(o.charger_code).online) continue;  // online, just not sending meter values
            spdlog::warn("event=order_charger_offline order={} code={}", o.id, o.charger_code);
            settle_at_last_meter(ctx, o.id, domain::StopReason::charger_offline);
        }
    });
    guarded("schedules", [&] { fire_due_schedules(ctx); });
}

}  // namespace kw::service
