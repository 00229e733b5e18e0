#pragma once
// Read use cases over orders for the HTTP edge: one order, a filtered page, a charger's active
// orders, and the charger lookups the admin remote start/stop need. The order use cases that change
// state live in service/orders. Each call opens and releases its own session. Worker threads only.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/context.hpp"
#include "service/paged.hpp"
#include "store/charger_refs.hpp"
#include "store/orders_repo.hpp"

namespace kw::service {

std::optional<store::Order> find_order(app::Context& ctx, std::int64_t id);
Paged<store::Order> list_orders(app::Context& ctx, const store::OrderFilter& filter, std::int64_t limit,
                                std::int64_t offset);
// Without the total (the driver's current sessions).
std::vector<store::Order> list_orders_unpaged(app::Context& ctx, const store::OrderFilter& filter,
                                              std::int64_t limit);

std::optional<store::ChargerRef> find_charger_ref(app::Context& ctx, const std::string& code);
std::optional<store::ChargerRef> find_charger_ref(app::Context& ctx, std::int64_t id);
// The active order on one connector of a charger, if any.
std::optional<store::Order> active_order_on(app::Context& ctx, std::int64_t charger_id, int connector);

}  // namespace kw::service
