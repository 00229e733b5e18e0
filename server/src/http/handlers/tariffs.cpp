// Admin routes on tariffs: list, detail, create, edit, delete (refused while a station uses it).
// Body: {name, prices:{sharp:{electricity,service},...}, periods:[["00:00","08:00","valley"],...]},
// validated by domain::parse_tariff and stored as the canonical spec JSON.
#include <boost/json.hpp>

#include "domain/error.hpp"
#include "http/handlers/handlers.hpp"
#include "http/handlers/network_json.hpp"
#include "service/account_rules.hpp"
#include "service/tariffs.hpp"

namespace kw::http::handlers {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxTariffName = 100;

}  // namespace

Response admin_tariffs_list(Call& call) {
    Page page = query_page(call.req);
    auto found = service::list_tariffs(call.ctx, page.size, page.offset());
    json::array items;
    for (const auto& row : found.items) items.push_back(tariff_json(row));
    return json_response(page_body(std::move(items), found.total, page));
}

Response admin_tariff_get(Call& call) {
    return json_response(tariff_json(service::get_tariff(call.ctx, path_id(call.req, "id"))));
}

Response admin_tariff_create(Call& call) {
    auto body = parse_object(call.req.body);
    std::string name = service::normalize_display_name(require_string(body, "name", 4 * kMaxTariffName),
                                                       "name", kMaxTariffName);
    return json_response(tariff_json(service::create_tariff(call.ctx, call.principal().id, name, body)), 201);
}

Response admin_tariff_update(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto body = parse_object(call.req.body);
    service::TariffChanges changes;
    if (auto n = optional_string(body, "name", 4 * kMaxTariffName))
        changes.name = service::normalize_display_name(*n, "name", kMaxTariffName);
    if (body.contains("prices")) changes.prices = body.at("prices");
    if (body.contains("periods")) changes.periods = body.at("periods");
    return json_response(tariff_json(service::update_tariff(call.ctx, call.principal().id, id, changes)));
}

Response admin_tariff_delete(Call& call) {
    service::delete_tariff(call.ctx, call.principal().id, path_id(call.req, "id"));
    return no_content();
}

}  // namespace kw::http::handlers
