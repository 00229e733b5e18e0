// Wallet routes for drivers: balance, ledger, top-ups (sandbox provider).
#include "service/wallet.hpp"

#include <boost/json.hpp>

#include "http/handlers/accounts_json.hpp"
#include "http/handlers/handlers.hpp"
#include "service/directory.hpp"

namespace kw::http::handlers {

Response wallet_get(Call& call) {
    return json_response(boost::json::object{{"balance_fen", service::balance(call.ctx, call.principal().id)}});
}

Response wallet_ledger(Call& call) {
    Page page = query_page(call.req);
    auto ledger = service::driver_ledger(call.ctx, call.principal().id, page.size, page.offset(), false);
    boost::json::array items;
    for (const auto& row : ledger.items) items.push_back(ledger_json(row, false));
    return json_response(page_body(std::move(items), ledger.total, page));
}

Response topup_create(Call& call) {
    auto body = parse_object(call.req.body);
    auto amount = require_int(body, "amount_fen");
    auto created = service::create_topup(call.ctx, call.principal().id, amount);
    auto out = topup_json(created.topup);
    out["client_params"] = std::move(created.client_params);
    return json_response(out, 201);
}

Response topup_confirm_sandbox(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto body = parse_object(call.req.body);
    auto sign = require_string(body, "sign", 128);
    auto paid = service::pay_sandbox_topup(call.ctx, call.principal().id, id, sign);
    auto out = topup_json(paid.topup);
    out["balance_fen"] = paid.balance_fen;
    return json_response(out);
}

}  // namespace kw::http::handlers
