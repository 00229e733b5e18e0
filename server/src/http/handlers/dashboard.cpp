// Staff dashboard: network-wide counters (chargers online, connectors by status, active sessions),
// today's and the last 30 days' settled orders, and the alarms list. Days are local days in ?tz=
// (IANA, default Asia/Shanghai); revenue is total_fen - refunded_fen of orders settled that day.
#include <date/tz.h>
#include <fmt/format.h>

#include <boost/json.hpp>

#include "domain/error.hpp"
#include "domain/validate.hpp"
#include "http/handlers/handlers.hpp"
#include "http/handlers/network_json.hpp"
#include "service/network.hpp"
#include "store/alarms_repo.hpp"
#include "store/chargers_repo.hpp"
#include "store/db.hpp"
#include "store/stats_repo.hpp"

namespace kw::http::handlers {

namespace json = boost::json;

namespace {

constexpr int kDays = 30;

json::object totals_json(const store::SettledTotals& t) {
    return {{"energy_wh", t.energy_wh}, {"revenue_fen", t.revenue_fen}, {"orders", t.orders}};
}

UtcMs local_midnight(const date::time_zone& zone, date::local_days day) {
    auto local = date::local_time<std::chrono::milliseconds>{day};
    return zone.to_sys(local, date::choose::earliest).time_since_epoch().count();
}

}  // namespace

Response admin_dashboard(Call& call) {
    const std::string tz = query_string(call.req, "tz").value_or("Asia/Shanghai");
    const date::time_zone& zone = domain::find_zone(tz);
    const UtcMs now = call.ctx.clock.now();
    auto s = call.ctx.db.session();

    auto views = service::charger_views(call.ctx, *s, store::list_chargers(*s, {}, -1, 0));
    std::int64_t online = 0;
    domain::ConnectorCounts connectors;
    for (const auto& v : views) {
        if (v.online) ++online;
        for (const auto& c : v.connectors) connectors.add(c.bucket);
    }

    auto local_now = zone.to_local(date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{now}});
    const date::local_days today = date::floor<date::days>(local_now);
    json::array days;
    store::SettledTotals today_totals;
    for (int i = kDays - 1; i >= 0; --i) {
        date::local_days day = today - date::days{i};
        auto totals =
            store::settled_between(*s, local_midnight(zone, day), local_midnight(zone, day + date::days{1}));
        date::year_month_day ymd{day};
        json::object o = totals_json(totals);
        o.emplace("date", fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day())));
        days.push_back(std::move(o));
        if (i == 0) today_totals = totals;
    }

    return json_response(json::object{
        {"chargers", json::object{{"online", online}, {"total", static_cast<std::int64_t>(views.size())}}},
        {"connectors", counts_json(connectors)},
        {"sessions_active", store::count_active_sessions(*s)},
        {"timezone", tz},
        {"today", totals_json(today_totals)},
        {"days", std::move(days)},
    });
}

Response admin_alarms_list(Call& call) {
    Page page = query_page(call.req);
    store::AlarmFilter filter;
    filter.charger_id = query_int(call.req, "charger_id");
    if (auto v = query_string(call.req, "active")) {
        if (*v != "true" && *v != "false")
            throw Error(Errc::bad_request, "query parameter 'active' must be true or false");
        filter.active = *v == "true";
    }
    auto s = call.ctx.db.session();
    json::array items;
    for (const auto& a : store::list_alarms(*s, filter, page.size, page.offset()))
        items.push_back(alarm_json(a));
    return json_response(page_body(std::move(items), store::count_alarms(*s, filter), page));
}

}  // namespace kw::http::handlers
