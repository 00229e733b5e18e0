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
#include "service/dashboard.hpp"

namespace kw::http::handlers {

namespace json = boost::json;

namespace {

constexpr int kDays = 30;

json::object totals_json(const store::SettledTotals& t) {
    return {{"energy_wh", t.energy_wh}, {"revenue_fen", t.revenue_fen}, {"orders", t.orders}};
}

}  // namespace

Response admin_dashboard(Call& call) {
    const std::string tz = query_string(call.req, "tz").value_or("Asia/Shanghai");
    const date::time_zone& zone = domain::find_zone(tz);
    const service::Dashboard d = service::dashboard(call.ctx, zone, kDays);
    json::array days;
    for (const auto& [ymd, totals] : d.days) {
        json::object o = totals_json(totals);
        o.emplace("date", fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day())));
        days.push_back(std::move(o));
    }
    return json_response(json::object{
        {"chargers", json::object{{"online", d.chargers_online}, {"total", d.chargers_total}}},
        {"connectors", counts_json(d.connectors)},
        {"sessions_active", d.sessions_active},
        {"timezone", tz},
        {"today", totals_json(d.days.back().totals)},
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
    auto found = service::list_alarms(call.ctx, filter, page.size, page.offset());
    json::array items;
    for (const auto& a : found.items) items.push_back(alarm_json(a));
    return json_response(page_body(std::move(items), found.total, page));
}

}  // namespace kw::http::handlers
