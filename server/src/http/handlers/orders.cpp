// Orders: drivers start/stop/read their own sessions; staff list, force stop and refund any.
#include <boost/json.hpp>

#include "domain/error.hpp"
#include "domain/order_state.hpp"
#include "http/handlers/handlers.hpp"
#include "service/audit.hpp"
#include "service/orders.hpp"
#include "service/order_queries.hpp"

namespace kw::http {

domain::StopLimits parse_limits(const boost::json::object& body) {
    domain::StopLimits limits;
    auto it = body.find("limits");
    if (it == body.end() || it->value().is_null()) return limits;
    if (!it->value().is_object()) throw Error(Errc::bad_request, "field 'limits' must be an object");
    const auto& l = it->value().as_object();
    limits.energy_wh = optional_int(l, "energy_wh");
    limits.amount_fen = optional_int(l, "amount_fen");
    limits.minutes = optional_int(l, "minutes");
    return limits;
}

namespace handlers {
namespace {

// A driver sees only their own orders: someone else's id answers 404, as if it did not exist.
store::Order own_order(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto order = service::find_order(call.ctx, id);
    if (!order || order->driver_id != call.principal().id) throw Error(Errc::not_found, "no such order");
    return *order;
}

store::Order any_order(Call& call) {
    auto order = service::find_order(call.ctx, path_id(call.req, "id"));
    if (!order) throw Error(Errc::not_found, "no such order");
    return *order;
}

Response list(Call& call, store::OrderFilter filter) {
    const Page page = query_page(call.req);
    // An unknown state is a mistake to report (400), not a filter that quietly matches nothing.
    if (auto s = query_string(call.req, "state")) filter.state = std::string(domain::to_string(domain::order_state_from_string(*s)));
    if (auto f = query_string(call.req, "from")) filter.from = parse_utc(*f);
    if (auto t = query_string(call.req, "to")) filter.to = parse_utc(*t);
    auto found = service::list_orders(call.ctx, filter, page.size, page.offset());
    boost::json::array items;
    for (const auto& o : found.items) items.push_back(service::order_json(call.ctx, o, false));
    return json_response(page_body(std::move(items), found.total, page));
}

int connector_of(const boost::json::object& body) {
    const std::int64_t n = require_int(body, "connector");
    if (n < 1 || n > 64) throw Error(Errc::bad_request, "field 'connector' must be between 1 and 64");
    return static_cast<int>(n);
}

}  // namespace

Response order_start(Call& call) {
    const auto body = parse_object(call.req.body);
    service::StartRequest req;
    req.driver_id = call.principal().id;
    req.charger_code = require_string(body, "charger_code", 32);
    req.connector = connector_of(body);
    req.limits = parse_limits(body);
    auto order = service::start_order(call.ctx, req);
    return json_response(service::order_json(call.ctx, order, true), 201);
}

Response orders_list(Call& call) {
    store::OrderFilter f;
    f.driver_id = call.principal().id;
    return list(call, f);
}

Response orders_current(Call& call) {
    store::OrderFilter f;
    f.driver_id = call.principal().id;
    f.active_only = true;
    boost::json::array items;
    for (const auto& o : service::list_orders_unpaged(call.ctx, f, 10)) items.push_back(service::order_json(call.ctx, o, true));
    return json_response(boost::json::object{{"items", std::move(items)}});
}

Response order_get(Call& call) { return json_response(service::order_json(call.ctx, own_order(call), true)); }

Response order_stop(Call& call) {
    const store::Order order = own_order(call);
    return json_response(service::order_json(
        call.ctx, service::request_stop(call.ctx, order.id, domain::StopReason::driver), true));
}

Response admin_orders_list(Call& call) {
    store::OrderFilter f;
    f.driver_id = query_int(call.req, "driver_id");
    f.station_id = query_int(call.req, "station_id");
    f.charger_id = query_int(call.req, "charger_id");
    if (auto code = query_string(call.req, "charger_code")) {
        auto charger = service::find_charger_ref(call.ctx, *code);
        f.charger_id = charger ? charger->id : -1;
    }
    return list(call, f);
}

Response admin_order_get(Call& call) { return json_response(service::order_json(call.ctx, any_order(call), true)); }

Response admin_order_force_stop(Call& call) {
    const store::Order order = any_order(call);
    auto stopped = service::request_stop(call.ctx, order.id, domain::StopReason::admin);
    service::audit(call.ctx, call.principal().id, "order.force_stop", "order:" + std::to_string(order.id),
                   {{"state_before", order.state}});
    return json_response(service::order_json(call.ctx, stopped, true));
}

Response admin_order_refund(Call& call) {
    const auto body = parse_object(call.req.body);
    const std::int64_t amount = require_int(body, "amount_fen");
    const std::string reason = require_string(body, "reason", 255);
    auto order = service::refund_order(call.ctx, path_id(call.req, "id"), amount, reason, call.principal().id);
    return json_response(service::order_json(call.ctx, order, false));
}

Response admin_charger_remote_start(Call& call) {
    const auto body = parse_object(call.req.body);
    auto charger = service::find_charger_ref(call.ctx, path_id(call.req, "id"));
    if (!charger) throw Error(Errc::not_found, "no such charger");
    const std::string code = charger->code;
    service::StartRequest req;
    req.driver_id = 0;  // maintenance session: energy recorded, nothing billed
    req.charger_code = code;
    req.connector = connector_of(body);
    req.limits = parse_limits(body);
    auto order = service::start_order(call.ctx, req);
    service::audit(call.ctx, call.principal().id, "charger.remote_start", "charger:" + code,
                   {{"connector", req.connector}, {"order_id", order.id}});
    return json_response(service::order_json(call.ctx, order, true), 201);
}

Response admin_charger_remote_stop(Call& call) {
    const auto body = parse_object(call.req.body);
    const int connector = connector_of(body);
    auto charger = service::find_charger_ref(call.ctx, path_id(call.req, "id"));
    if (!charger) throw Error(Errc::not_found, "no such charger");
    const std::string code = charger->code;
    std::optional<store::Order> active = service::active_order_on(call.ctx, charger->id, connector);
    if (!active) throw Error(Errc::invalid_state, "no active session on connector " + std::to_string(connector));
    auto stopped = service::request_stop(call.ctx, active->id, domain::StopReason::admin);
    service::audit(call.ctx, call.principal().id, "charger.remote_stop", "charger:" + code,
                   {{"connector", connector}, {"order_id", active->id}});
    return json_response(service::order_json(call.ctx, stopped, true));
}

}  // namespace handlers
}  // namespace kw::http
