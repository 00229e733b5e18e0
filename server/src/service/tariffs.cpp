#include "service/tariffs.hpp"

#include <boost/json.hpp>

#include "domain/error.hpp"
#include "domain/json_text.hpp"
#include "domain/tariff.hpp"
#include "service/audit.hpp"
#include "service/station_directory.hpp"
#include "service/tariff_cache.hpp"
#include "store/db.hpp"

namespace kw::service {

namespace json = boost::json;

namespace {

std::string target(std::int64_t id) { return "tariff:" + std::to_string(id); }

// Validates prices + periods; returns the spec to store.
std::string canonical_spec(const json::object& prices_and_periods) {
    return domain::to_json(domain::tariff_to_json(domain::parse_tariff(prices_and_periods)));
}

store::TariffRow require_tariff(soci::session& sql, std::int64_t id) {
    auto row = store::find_tariff(sql, id);
    if (!row) throw Error(Errc::not_found, "no such tariff");
    return *row;
}

}  // namespace

Paged<store::TariffRow> list_tariffs(app::Context& ctx, std::int64_t limit, std::int64_t offset) {
    auto s = ctx.db.read_session();
    return {store::list_tariffs(*s, limit, offset), store::count_tariffs(*s)};
}

store::TariffRow get_tariff(app::Context& ctx, std::int64_t id) {
    auto s = ctx.db.read_session();
    return require_tariff(*s, id);
}

store::TariffRow create_tariff(app::Context& ctx, std::int64_t employee_id, const std::string& name,
                               const json::object& prices_and_periods) {
    const std::string spec = canonical_spec(prices_and_periods);
    auto s = ctx.db.session();
    soci::transaction tr(*s);
    const UtcMs now = ctx.clock.now();
    const std::int64_t id = store::insert_tariff(*s, name, spec, now);
    audit(*s, employee_id, "tariff.create", target(id), {{"name", name}, {"spec", json::parse(spec)}}, now);
    tr.commit();
    return require_tariff(*s, id);
}

store::TariffRow update_tariff(app::Context& ctx, std::int64_t employee_id, std::int64_t id,
                               const TariffChanges& changes) {
    auto s = ctx.db.session();
    soci::transaction tr(*s);
    const store::TariffRow row = require_tariff(*s, id);
    const std::string name = changes.name.value_or(row.name);
    json::object merged = json::parse(row.spec).as_object();
    if (changes.prices) merged["prices"] = *changes.prices;
    if (changes.periods) merged["periods"] = *changes.periods;
    const std::string spec = canonical_spec(merged);
    const UtcMs now = ctx.clock.now();
    store::update_tariff(*s, id, name, spec, now);
    audit(*s, employee_id, "tariff.update", target(id), {{"name", name}, {"spec", json::parse(spec)}}, now);
    tr.commit();
    tariffs_changed(ctx);  // every station using it, in every instance
    network_changed(ctx);  // the stations' current prices in the nearby list
    return require_tariff(*s, id);
}

void delete_tariff(app::Context& ctx, std::int64_t employee_id, std::int64_t id) {
    auto s = ctx.db.session();
    soci::transaction tr(*s);
    const store::TariffRow row = require_tariff(*s, id);
    if (std::int64_t n = store::count_stations_using_tariff(*s, id); n > 0)
        throw Error(Errc::in_use, "tariff " + std::to_string(id) + " is used by " + std::to_string(n) +
                                      (n == 1 ? " station" : " stations"));
    store::delete_tariff(*s, id);
    audit(*s, employee_id, "tariff.delete", target(id), {{"name", row.name}}, ctx.clock.now());
    tr.commit();
}

}  // namespace kw::service
