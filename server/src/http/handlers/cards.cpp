// RFID cards (service/cards.hpp): staff issue, block and expire them per driver; a driver sees
// theirs and blocks a lost one.
#include <boost/json.hpp>

#include "domain/clock.hpp"
#include "domain/error.hpp"
#include "http/handlers/handlers.hpp"
#include "service/cards.hpp"

namespace kw::http::handlers {

namespace {

namespace json = boost::json;

json::object card_json(app::Context& ctx, const store::CardRow& c) {
    const bool expired = c.expires_at && *c.expires_at <= ctx.clock.now();
    return {{"id", c.id},
            {"uid", c.uid},
            {"driver_id", c.driver_id},
            {"label", c.label},
            {"status", c.status},
            {"expires_at", c.expires_at ? json::value(format_utc(*c.expires_at)) : json::value(nullptr)},
            {"expired", expired},
            {"created_at", format_utc(c.created_at)},
            {"updated_at", format_utc(c.updated_at)}};
}

json::object cards_body(app::Context& ctx, const std::vector<store::CardRow>& cards) {
    json::array items;
    for (const auto& c : cards) items.push_back(card_json(ctx, c));
    return {{"items", std::move(items)}};
}

// "expires_at": a time, or null for never.
std::optional<std::optional<UtcMs>> expiry_of(const json::object& body) {
    const auto* v = body.if_contains("expires_at");
    if (!v) return std::nullopt;
    if (v->is_null()) return std::optional<UtcMs>();
    if (!v->is_string()) throw Error(Errc::bad_request, "field 'expires_at' must be a time or null");
    return std::optional<UtcMs>(parse_utc(std::string(v->as_string())));
}

std::string label_of(const json::object& body) {
    return optional_string(body, "label", 100).value_or("");
}

}  // namespace

Response admin_driver_cards(Call& call) {
    return json_response(cards_body(call.ctx, service::cards_of_driver(call.ctx, path_id(call.req, "id"))));
}

Response admin_driver_card_issue(Call& call) {
    const auto body = parse_object(call.req.body);
    const std::string uid = require_string(body, "uid", 64);
    const auto expiry = expiry_of(body);
    auto card = service::issue_card(call.ctx, call.principal().id, path_id(call.req, "id"), uid, label_of(body),
                                    expiry ? *expiry : std::nullopt);
    return json_response(card_json(call.ctx, card), 201);
}

Response admin_card_update(Call& call) {
    const auto body = parse_object(call.req.body);
    service::CardChange change;
    change.status = optional_string(body, "status", 16);
    change.label = optional_string(body, "label", 100);
    change.expires_at = expiry_of(body);
    auto card = service::change_card(call.ctx, call.principal().id, path_id(call.req, "id"), change);
    return json_response(card_json(call.ctx, card));
}

Response my_cards(Call& call) {
    return json_response(cards_body(call.ctx, service::cards_of_driver(call.ctx, call.principal().id)));
}

Response my_card_block(Call& call) {
    return json_response(
        card_json(call.ctx, service::block_own_card(call.ctx, call.principal().id, path_id(call.req, "id"))));
}

}  // namespace kw::http::handlers
