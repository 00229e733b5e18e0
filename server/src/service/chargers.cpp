#include "service/chargers.hpp"

#include <boost/json/object.hpp>
#include <set>

#include "domain/error.hpp"
#include "service/audit.hpp"
#include "service/station_directory.hpp"
#include "store/db.hpp"

namespace kw::service {

namespace {

[[noreturn]] void bad(const std::string& message) { throw Error(Errc::bad_request, message); }

std::string target(std::int64_t id) { return "charger:" + std::to_string(id); }

store::ChargerRow require_charger(soci::session& sql, std::int64_t id) {
    auto row = store::find_charger(sql, id);
    if (!row) throw Error(Errc::not_found, "no such charger");
    return *row;
}

void audit_connector(app::Context& ctx, soci::session& sql, std::int64_t employee_id, const char* action,
                     std::int64_t charger_id, int number, std::optional<std::int64_t> max_w) {
    boost::json::object detail{{"number", number}};
    if (max_w) detail["max_w"] = *max_w;
    audit(sql, employee_id, action, target(charger_id), detail, ctx.clock.now());
}

}  // namespace

int check_connector_number(std::int64_t n, const std::string& where) {
    if (n < 1 || n > kMaxConnectors) bad(where + " must be between 1 and " + std::to_string(kMaxConnectors));
    return static_cast<int>(n);
}

std::int64_t check_max_w(std::int64_t w, std::int64_t rated_w, const std::string& where) {
    if (w < 1 || w > rated_w)
        bad(where + " must be between 1 and the charger's rated_w (" + std::to_string(rated_w) + ")");
    return w;
}

std::optional<PublicCharger> find_public_charger(app::Context& ctx, const std::string& code) {
    auto s = ctx.db.read_session();
    auto row = store::find_charger_by_code(*s, code);
    if (!row) return std::nullopt;
    PublicCharger out{std::move(charger_views(ctx, *s, {std::move(*row)}).front()), std::nullopt, nullptr};
    out.station = store::find_station(*s, out.view.row.station_id);
    if (out.station) {
        TariffLookup tariffs(*s, ctx.tariffs);
        out.tariff = tariffs.get(out.station->tariff_id);
    }
    return out;
}

std::optional<store::ChargerRow> find_charger_by_code(app::Context& ctx, const std::string& code) {
    auto s = ctx.db.read_session();
    return store::find_charger_by_code(*s, code);
}

Paged<ChargerView> list_chargers(app::Context& ctx, const store::ChargerFilter& filter, std::optional<bool> online,
                                 std::int64_t limit, std::int64_t offset) {
    auto s = ctx.db.read_session();
    Paged<ChargerView> out;
    if (!online) {
        out.total = store::count_chargers(*s, filter);
        out.items = charger_views(ctx, *s, store::list_chargers(*s, filter, limit, offset), true);
        return out;
    }
    auto views = charger_views(ctx, *s, store::list_chargers(*s, filter, -1, 0));
    std::erase_if(views, [&](const auto& v) { return v.online != *online; });
    out.total = static_cast<std::int64_t>(views.size());
    std::vector<store::ChargerRow> rows;
    for (std::int64_t i = offset; i < out.total && i < offset + limit; ++i) rows.push_back(views[i].row);
    out.items = charger_views(ctx, *s, std::move(rows), true);
    return out;
}

ChargerView admin_charger(app::Context& ctx, std::int64_t id) {
    auto s = ctx.db.read_session();
    return std::move(charger_views(ctx, *s, {require_charger(*s, id)}, true).front());
}

ChargerDetail charger_detail(app::Context& ctx, std::int64_t id, std::int64_t alarm_limit) {
    ChargerDetail out{admin_charger(ctx, id), {}};
    store::AlarmFilter filter;
    filter.charger_id = id;
    auto s = ctx.db.read_session();
    out.recent_alarms = store::list_alarms(*s, filter, alarm_limit, 0);
    return out;
}

void update_charger(app::Context& ctx, std::int64_t employee_id, std::int64_t id, const ChargerEdit& edit) {
    auto s = ctx.db.session();
    soci::transaction tr(*s);
    store::ChargerRow row = require_charger(*s, id);
    const std::int64_t station_before = row.station_id;
    edit(row);
    if (row.station_id != station_before && (row.station_id <= 0 || !store::find_station(*s, row.station_id)))
        bad("field 'station_id': station " + std::to_string(row.station_id) + " does not exist");
    for (const auto& c : store::connectors_of(*s, {id}))
        if (c.max_w > row.rated_w)
            bad("field 'rated_w' is below connector " + std::to_string(c.number) + "'s max_w (" +
                std::to_string(c.max_w) + ")");
    const UtcMs now = ctx.clock.now();
    store::update_charger(*s, row, now);
    audit(*s, employee_id, "charger.update", target(id),
          {{"code", row.code},
           {"name", row.name},
           {"station_id", row.station_id},
           {"kind", row.kind},
           {"rated_w", row.rated_w}},
          now);
    tr.commit();
    network_changed(ctx);
}

void add_connector(app::Context& ctx, std::int64_t employee_id, std::int64_t charger_id, std::optional<int> number,
                   std::optional<std::int64_t> max_w) {
    auto s = ctx.db.session();
    soci::transaction tr(*s);
    const store::ChargerRow row = require_charger(*s, charger_id);
    auto existing = store::connectors_of(*s, {charger_id});
    if (existing.size() >= static_cast<std::size_t>(kMaxConnectors))
        throw Error(Errc::limit_reached, "charger already has " + std::to_string(kMaxConnectors) + " connectors");
    int n = number.value_or(0);
    if (!number) {
        std::set<int> used;
        for (const auto& c : existing) used.insert(c.number);
        for (n = 1; used.count(n); ++n) {
        }
    }
    const std::int64_t w = check_max_w(max_w.value_or(row.rated_w), row.rated_w, "field 'max_w'");
    store::insert_connector(*s, charger_id, n, w);
    audit_connector(ctx, *s, employee_id, "connector.create", charger_id, n, w);
    tr.commit();
    network_changed(ctx);
}

void update_connector(app::Context& ctx, std::int64_t employee_id, std::int64_t charger_id, int number,
                      std::int64_t max_w) {
    auto s = ctx.db.session();
    soci::transaction tr(*s);
    const store::ChargerRow row = require_charger(*s, charger_id);
    const std::int64_t w = check_max_w(max_w, row.rated_w, "field 'max_w'");
    if (!store::update_connector(*s, charger_id, number, w)) throw Error(Errc::not_found, "no such connector");
    audit_connector(ctx, *s, employee_id, "connector.update", charger_id, number, w);
    tr.commit();
    network_changed(ctx);
}

void delete_connector(app::Context& ctx, std::int64_t employee_id, std::int64_t charger_id, int number) {
    auto s = ctx.db.session();
    soci::transaction tr(*s);
    require_charger(*s, charger_id);
    if (store::count_active_orders(*s, charger_id, number) > 0)
        throw Error(Errc::in_use, "connector " + std::to_string(number) + " has an active order");
    if (!store::delete_connector(*s, charger_id, number)) throw Error(Errc::not_found, "no such connector");
    audit_connector(ctx, *s, employee_id, "connector.delete", charger_id, number, std::nullopt);
    tr.commit();
    network_changed(ctx);
}

}  // namespace kw::service
