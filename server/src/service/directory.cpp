#include "service/directory.hpp"

#include "domain/error.hpp"
#include "store/db.hpp"

namespace kw::service {

Paged<store::DriverRow> list_drivers(app::Context& ctx, const store::DriverFilter& filter, std::int64_t limit,
                                     std::int64_t offset) {
    auto s = ctx.db.read_session();
    return {store::list_drivers(*s, filter, limit, offset), store::count_drivers(*s, filter)};
}

DriverDetail driver_detail(app::Context& ctx, std::int64_t driver_id) {
    auto s = ctx.db.read_session();
    auto row = store::find_driver(*s, driver_id);
    if (!row) throw Error(Errc::not_found, "no such driver");
    return {*row, store::count_driver_orders(*s, driver_id), store::count_ledger(*s, driver_id)};
}

Paged<store::LedgerRow> driver_ledger(app::Context& ctx, std::int64_t driver_id, std::int64_t limit,
                                      std::int64_t offset, bool require_driver) {
    auto s = ctx.db.read_session();
    if (require_driver && !store::find_driver(*s, driver_id)) throw Error(Errc::not_found, "no such driver");
    return {store::list_ledger(*s, driver_id, limit, offset), store::count_ledger(*s, driver_id)};
}

Paged<store::EmployeeRow> list_employees(app::Context& ctx, const std::optional<std::string>& q,
                                         std::int64_t limit, std::int64_t offset) {
    auto s = ctx.db.read_session();
    return {store::list_employees(*s, q, limit, offset), store::count_employees(*s, q)};
}

Paged<store::AuditRow> list_audit(app::Context& ctx, const store::AuditFilter& filter, std::int64_t limit,
                                  std::int64_t offset) {
    auto s = ctx.db.read_session();
    return {store::list_audit(*s, filter, limit, offset), store::count_audit(*s, filter)};
}

std::optional<store::DriverRow> find_driver(app::Context& ctx, std::int64_t id) {
    auto s = ctx.db.read_session();
    return store::find_driver(*s, id);
}

std::optional<store::EmployeeRow> find_employee(app::Context& ctx, std::int64_t id) {
    auto s = ctx.db.read_session();
    return store::find_employee(*s, id);
}

}  // namespace kw::service
