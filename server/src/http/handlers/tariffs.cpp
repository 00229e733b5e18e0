// Admin routes on tariffs: list, detail, create, edit, delete (refused while a station uses it).
// Body: {name, prices:{sharp:{electricity,service},...}, periods:[["00:00","08:00","valley"],...]},
// validated by domain::parse_tariff and stored as the canonical spec JSON.
#include <boost/json.hpp>

#include "domain/error.hpp"
#include "domain/tariff.hpp"
#include "http/handlers/handlers.hpp"
#include "http/handlers/network_json.hpp"
#include "service/account_rules.hpp"
#include "service/audit.hpp"
#include "service/tariff_cache.hpp"
#include "store/db.hpp"
#include "store/tariffs_repo.hpp"

namespace kw::http::handlers {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxTariffName = 100;

std::string target(std::int64_t id) { return "tariff:" + std::to_string(id); }

// Validates prices + periods; returns the spec to store.
std::string canonical_spec(const json::object& prices_and_periods) {
    return json::serialize(domain::tariff_to_json(domain::parse_tariff(prices_and_periods)));
}

store::TariffRow require_tariff(soci::session& sql, std::int64_t id) {
    auto row = store::find_tariff(sql, id);
    if (!row) throw Error(Errc::not_found, "no such tariff");
    return *row;
}

}  // namespace

Response admin_tariffs_list(Call& call) {
    Page page = query_page(call.req);
    auto s = call.ctx.db.session();
    json::array items;
    for (const auto& row : store::list_tariffs(*s, page.size, page.offset()))
        items.push_back(tariff_json(row));
    return json_response(page_body(std::move(items), store::count_tariffs(*s), page));
}

Response admin_tariff_get(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto s = call.ctx.db.session();
    return json_response(tariff_json(require_tariff(*s, id)));
}

Response admin_tariff_create(Call& call) {
    auto body = parse_object(call.req.body);
    std::string name = service::normalize_display_name(require_string(body, "name", 4 * kMaxTariffName),
                                                       "name", kMaxTariffName);
    std::string spec = canonical_spec(body);
    auto s = call.ctx.db.session();
    soci::transaction tr(*s);
    UtcMs now = call.ctx.clock.now();
    std::int64_t id = store::insert_tariff(*s, name, spec, now);
    service::audit(*s, call.principal().id, "tariff.create", target(id),
                   {{"name", name}, {"spec", json::parse(spec)}}, now);
    tr.commit();
    return json_response(tariff_json(require_tariff(*s, id)), 201);
}

Response admin_tariff_update(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto body = parse_object(call.req.body);
    auto s = call.ctx.db.session();
    soci::transaction tr(*s);
    store::TariffRow row = require_tariff(*s, id);
    std::string name = row.name;
    if (auto n = optional_string(body, "name", 4 * kMaxTariffName))
        name = service::normalize_display_name(*n, "name", kMaxTariffName);
    // Fields not given keep their stored value; the result is validated as a whole.
    json::object merged = json::parse(row.spec).as_object();
    if (body.contains("prices")) merged["prices"] = body.at("prices");
    if (body.contains("periods")) merged["periods"] = body.at("periods");
    std::string spec = canonical_spec(merged);
    UtcMs now = call.ctx.clock.now();
    store::update_tariff(*s, id, name, spec, now);
    service::audit(*s, call.principal().id, "tariff.update", target(id),
                   {{"name", name}, {"spec", json::parse(spec)}}, now);
    tr.commit();
    service::tariffs_changed(call.ctx);  // every station using it, in every instance
    return json_response(tariff_json(require_tariff(*s, id)));
}

Response admin_tariff_delete(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto s = call.ctx.db.session();
    soci::transaction tr(*s);
    store::TariffRow row = require_tariff(*s, id);
    if (std::int64_t n = store::count_stations_using_tariff(*s, id); n > 0)
        throw Error(Errc::conflict, "tariff " + std::to_string(id) + " is used by " + std::to_string(n) +
                                        (n == 1 ? " station" : " stations"));
    store::delete_tariff(*s, id);
    service::audit(*s, call.principal().id, "tariff.delete", target(id), {{"name", row.name}},
                   call.ctx.clock.now());
    tr.commit();
    return no_content();
}

}  // namespace kw::http::handlers
