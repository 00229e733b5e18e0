#include "service/order_queries.hpp"

#include "store/db.hpp"

namespace kw::service {

std::optional<store::Order> find_order(app::Context& ctx, std::int64_t id) {
    auto sql = ctx.db.read_session();
    return store::find_order(*sql, id);
}

Paged<store::Order> list_orders(app::Context& ctx, const store::OrderFilter& filter, std::int64_t limit,
                                std::int64_t offset) {
    auto sql = ctx.db.read_session();
    Paged<store::Order> out;
    out.items = store::list_orders(*sql, filter, limit, offset, &out.total);
    return out;
}

std::vector<store::Order> list_orders_unpaged(app::Context& ctx, const store::OrderFilter& filter,
                                              std::int64_t limit) {
    auto sql = ctx.db.read_session();
    return store::list_orders(*sql, filter, limit, 0, nullptr);
}

std::optional<store::ChargerRef> find_charger_ref(app::Context& ctx, const std::string& code) {
    auto sql = ctx.db.read_session();
    return store::find_charger_ref(*sql, code);
}

std::optional<store::ChargerRef> find_charger_ref(app::Context& ctx, std::int64_t id) {
    auto sql = ctx.db.read_session();
    return store::find_charger_ref(*sql, id);
}

std::optional<store::Order> active_order_on(app::Context& ctx, std::int64_t charger_id, int connector) {
    auto sql = ctx.db.read_session();
    std::optional<store::Order> active;
    for (auto& o : store::active_orders_of_charger(*sql, charger_id))
        if (o.connector_no == connector) active = o;
    return active;
}

}  // namespace kw::service
