#include "service/dashboard.hpp"

#include "service/network.hpp"
#include "store/chargers_repo.hpp"
#include "store/db.hpp"

namespace kw::service {

namespace {

UtcMs local_midnight(const date::time_zone& zone, date::local_days day) {
    auto local = date::local_time<std::chrono::milliseconds>{day};
    return zone.to_sys(local, date::choose::earliest).time_since_epoch().count();
}

}  // namespace

Dashboard dashboard(app::Context& ctx, const date::time_zone& zone, int days) {
    const UtcMs now = ctx.clock.now();
    // Reads only: on a read connection, so a console refreshing it never holds SQLite's one writer,
    // which every charger event waits for, through a walk over every charger.
    auto s = ctx.db.read_session();
    Dashboard out;
    auto views = charger_views(ctx, *s, store::list_chargers(*s, {}, -1, 0));
    for (const auto& v : views) {
        if (v.online) ++out.chargers_online;
        for (const auto& c : v.connectors) out.connectors.add(c.bucket);
    }
    out.chargers_total = static_cast<std::int64_t>(views.size());
    auto local_now = zone.to_local(date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{now}});
    const date::local_days today = date::floor<date::days>(local_now);
    for (int i = days - 1; i >= 0; --i) {
        const date::local_days day = today - date::days{i};
        out.days.push_back({date::year_month_day{day},
                            store::settled_between(*s, local_midnight(zone, day),
                                                   local_midnight(zone, day + date::days{1}))});
    }
    out.sessions_active = store::count_active_sessions(*s);
    return out;
}

Paged<store::AlarmRow> list_alarms(app::Context& ctx, const store::AlarmFilter& filter, std::int64_t limit,
                                   std::int64_t offset) {
    auto s = ctx.db.read_session();
    return {store::list_alarms(*s, filter, limit, offset), store::count_alarms(*s, filter)};
}

}  // namespace kw::service
