#include "service/live_record.hpp"

#include <spdlog/spdlog.h>

#include "service/charger_events.hpp"
#include "service/running.hpp"
#include "service/wallet.hpp"
#include "store/charger_refs.hpp"
#include "store/chargers_repo.hpp"
#include "store/db.hpp"

namespace kw::service {

void mark_seen(app::Context& ctx, const std::string& code, std::int64_t station_id, bool was_online) {
    live::LiveState(ctx.redis, ctx.config.redis.prefix)
        .mark_seen(code, ctx.clock.now(), ctx.config.orders.heartbeat_s * ctx.config.orders.missed_heartbeats);
    if (was_online) return;
    spdlog::info("event=charger_online code={}", code);
    push_charger_event(ctx, code, station_id, 0, "online", {{"online", true}});
}

void restore_sessions(app::Context& ctx, const std::string& code, const std::vector<store::Order>& active) {
    if (active.empty()) return;
    std::vector<std::int64_t> ids;
    for (const store::Order& o : active) ids.push_back(o.id);
    const std::vector<RunningFields> running = running_read(ctx, ids);
    // What each session without a running state needs from SQL, read before anything is written.
    struct Restore {
        const store::Order* order;
        std::vector<domain::Sample> samples;
        std::int64_t balance = 0, max_w = 0;
    };
    std::vector<Restore> todo;
    {
        auto sql = ctx.db.read_session();
        for (std::size_t i = 0; i < active.size(); ++i) {
            const store::Order& o = active[i];
            if (!running[i].empty() || !o.started_at) continue;  // still there, or not started
            todo.push_back({&o, store::samples(*sql, o.id), o.driver_id ? balance(*sql, o.driver_id) : 0,
                            store::connector_max_w(*sql, o.charger_id, o.connector_no)});
        }
    }
    live::LiveState live(ctx.redis, ctx.config.redis.prefix);
    for (const store::Order& o : active) live.set_connector_order(code, o.connector_no, o.id, o.tx_id.value_or(""));
    for (const Restore& r : todo) running_restore(ctx, *r.order, r.samples, r.balance, r.max_w);
}

std::optional<live::ChargerLive> restore_live_record(app::Context& ctx, const std::string& code, bool was_online) {
    std::optional<store::ChargerRef> charger;
    store::ChargerBoot boot;
    std::vector<store::Order> active;
    {
        auto sql = ctx.db.read_session();
        charger = store::find_charger_ref(*sql, code);
        if (!charger) return std::nullopt;
        boot = store::find_boot(*sql, charger->id);
        active = store::active_orders_of_charger(*sql, charger->id);
    }
    live::LiveState live(ctx.redis, ctx.config.redis.prefix);
    if (!boot.boot_id.empty())
        live.set_boot(code, boot.boot_id, boot.boot_at, charger->station_id, boot.vendor, boot.model, boot.firmware);
    restore_sessions(ctx, code, active);
    mark_seen(ctx, code, charger->station_id, was_online);
    spdlog::info("event=live_record_restored code={} boot_id={} sessions={}", code, boot.boot_id, active.size());
    live::ChargerLive out;
    out.online = true;
    out.boot_id = boot.boot_id;
    out.station_id = charger->station_id;
    return out;
}

live::ChargerLive live_record(app::Context& ctx, const std::string& code) {
    live::ChargerLive record = live::LiveState(ctx.redis, ctx.config.redis.prefix).charger(code);
    if (!record.boot_id.empty()) return record;
    return restore_live_record(ctx, code, record.online).value_or(record);
}

namespace {
std::int64_t presence_window_ms(const app::Context& ctx) {
    return ctx.config.orders.heartbeat_s * ctx.config.orders.missed_heartbeats * 1000;
}
}  // namespace

bool presence_known(app::Context& ctx, UtcMs now) {
    const UtcMs since = live::LiveState(ctx.redis, ctx.config.redis.prefix).presence_since(now);
    return now - since >= presence_window_ms(ctx);
}

void start_presence_tracking(app::Context& ctx) {
    const UtcMs now = ctx.clock.now();
    live::LiveState(ctx.redis, ctx.config.redis.prefix).presence_since(now - presence_window_ms(ctx));
}

}  // namespace kw::service
