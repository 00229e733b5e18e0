// Admin routes on drivers: search, detail, ledger, disable/enable, balance adjustments.
#include <boost/json.hpp>

#include "domain/error.hpp"
#include "http/handlers/accounts_json.hpp"
#include "http/handlers/handlers.hpp"
#include "service/accounts.hpp"
#include "store/db.hpp"
#include "store/drivers_repo.hpp"
#include "store/wallet_repo.hpp"

namespace kw::http::handlers {

namespace {

store::DriverRow require_driver(soci::session& sql, std::int64_t id) {
    auto row = store::find_driver(sql, id);
    if (!row) throw Error(Errc::not_found, "no such driver");
    return *row;
}

}  // namespace

Response admin_drivers_list(Call& call) {
    Page page = query_page(call.req);
    store::DriverFilter filter;
    filter.q = query_string(call.req, "q");
    filter.status = query_string(call.req, "status");
    if (filter.status && *filter.status != "active" && *filter.status != "disabled")
        throw Error(Errc::bad_request, "query parameter 'status' must be active or disabled");
    auto s = call.ctx.db.session();
    boost::json::array items;
    for (const auto& row : store::list_drivers(*s, filter, page.size, page.offset()))
        items.push_back(driver_json(row, true));
    return json_response(page_body(std::move(items), store::count_drivers(*s, filter), page));
}

Response admin_driver_get(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto s = call.ctx.db.session();
    auto out = driver_json(require_driver(*s, id), true);
    auto counts = store::count_driver_orders(*s, id);
    out["order_count"] = counts.total;
    out["active_order_count"] = counts.active;
    out["ledger_count"] = store::count_ledger(*s, id);
    return json_response(out);
}

Response admin_driver_ledger(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    Page page = query_page(call.req);
    auto s = call.ctx.db.session();
    require_driver(*s, id);
    boost::json::array items;
    for (const auto& row : store::list_ledger(*s, id, page.size, page.offset()))
        items.push_back(ledger_json(row, true));
    return json_response(page_body(std::move(items), store::count_ledger(*s, id), page));
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
