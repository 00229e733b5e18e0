// Admin routes on drivers: search, detail, ledger, disable/enable, balance adjustments.
#include <boost/json.hpp>

#include "domain/error.hpp"
#include "http/handlers/accounts_json.hpp"
#include "http/handlers/handlers.hpp"
#include "service/accounts.hpp"
#include "service/directory.hpp"

namespace kw::http::handlers {

Response admin_drivers_list(Call& call) {
    Page page = query_page(call.req);
    store::DriverFilter filter;
    filter.q = query_string(call.req, "q");
    filter.status = query_string(call.req, "status");
    if (filter.status && *filter.status != "active" && *filter.status != "disabled")
        throw Error(Errc::bad_request, "query parameter 'status' must be active or disabled");
    auto found = service::list_drivers(call.ctx, filter, page.size, page.offset());
    boost::json::array items;
    for (const auto& row : found.items) items.push_back(driver_json(row, true));
    return json_response(page_body(std::move(items), found.total, page));
}

Response admin_driver_get(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto detail = service::driver_detail(call.ctx, id);
    auto out = driver_json(detail.driver, true);
    out["order_count"] = detail.orders.total;
    out["active_order_count"] = detail.orders.active;
    out["ledger_count"] = detail.ledger_count;
    return json_response(out);
}

Response admin_driver_ledger(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    Page page = query_page(call.req);
    auto ledger = service::driver_ledger(call.ctx, id, page.size, page.offset(), true);
    boost::json::array items;
    for (const auto& row : ledger.items) items.push_back(ledger_json(row, true));
    return json_response(page_body(std::move(items), ledger.total, page));
}

Response admin_driver_disable(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    return json_response(
        driver_json(service::set_driver_enabled(call.ctx, call.principal().id, id, false), true));
}

Response admin_driver_enable(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    return json_response(
        driver_json(service::set_driver_enabled(call.ctx, call.principal().id, id, true), true));
}

Response admin_driver_adjust_balance(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto body = parse_object(call.req.body);
    auto delta = require_int(body, "delta_fen");
    auto reason = require_string(body, "reason", 255);
    auto change = service::adjust_balance(call.ctx, call.principal().id, id, delta, reason);
    return json_response(
        boost::json::object{{"balance_fen", change.balance_fen}, {"ledger_id", change.ledger_id}}, 201);
}

}  // namespace kw::http::handlers
