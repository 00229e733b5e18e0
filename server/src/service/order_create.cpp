// The two parts of starting an order that a start at the charger runs inside its own transaction
// (service/orders.hpp, prepare_start and create_order); start_order runs them for every other start.
#include <algorithm>

#include "domain/error.hpp"
#include "service/orders.hpp"
#include "service/tariff_cache.hpp"
#include "store/charger_refs.hpp"
#include "store/chargers_repo.hpp"
#include "store/db.hpp"
#include "store/wallet_repo.hpp"

namespace kw::service {

using domain::OrderState;

PreparedStart prepare_start(app::Context& ctx, const StartRequest& req) {
    // On a read connection: on SQLite the one writer is held only for the transaction itself.
    auto sql = ctx.db.read_session();
    auto charger = store::find_charger_ref(*sql, req.charger_code);
    if (!charger) throw Error(Errc::not_found, "no such charger: " + req.charger_code);
    if (req.connector < 1 || !store::connector_exists(*sql, charger->id, req.connector))
        throw Error(Errc::not_found, "no such connector: " + std::to_string(req.connector));
    // The station's tariff now, from the cache: the order keeps this copy to the end.
    return PreparedStart{*charger, ctx.tariffs.station(*sql, charger->station_id)->spec};
}

store::Order create_order(app::Context& ctx, soci::session& sql, const StartRequest& req,
                          const PreparedStart& prepared, UtcMs now) {
    if (req.driver_id != 0) {
        const auto driver = store::read_driver_standing(sql, req.driver_id);
        if (!driver) throw Error(Errc::not_found, "no such driver");
        if (driver->status != "active") throw Error(Errc::account_disabled, "the account is disabled");
        if (driver->balance_fen < ctx.config.orders.min_balance_fen)
            throw Error(Errc::insufficient_balance,
                        "balance " + std::to_string(driver->balance_fen) + " fen is below the minimum " +
                            std::to_string(ctx.config.orders.min_balance_fen) + " fen to start charging");
    }
    const store::ChargerRef& charger = prepared.charger;
    store::Order order;
    order.driver_id = req.driver_id;
    order.station_id = charger.station_id;
    order.charger_id = charger.id;
    order.connector_no = req.connector;
    order.state = std::string(domain::to_string(OrderState::starting));
    order.schedule_id = req.schedule_id;
    order.tariff_spec = prepared.tariff_spec;
    order.timezone = charger.timezone;
    order.limit_wh = req.limits.energy_wh;
    order.limit_fen = req.limits.amount_fen;
    order.limit_minutes = req.limits.minutes;
    order.deadline_at = now + ctx.config.orders.start_timeout_s * 1000;
    order.created_at = now;
    if (req.at_charger && req.at_charger_since)
        order.created_at = std::clamp<UtcMs>(*req.at_charger_since, now - UtcMs{7} * 24 * 3600 * 1000, now);
    order.updated_at = now;
    order.id = store::insert_order(sql, order);
    if (!store::claim_connector(sql, charger.id, req.connector, order.id))
        throw Error(Errc::connector_busy, "the connector is in use");
    if (req.driver_id != 0 && !store::claim_driver(sql, req.driver_id, order.id))
        throw Error(Errc::session_active, "you already have an active charging session");
    auto stored = store::find_order(sql, order.id);
    if (!stored) throw Error(Errc::not_found, "no such order");
    return *stored;
}

}  // namespace kw::service
