#pragma once
// Read use cases over accounts for the staff console and the "me" endpoint: driver and employee
// lists, a driver's detail and ledger, the audit trail. Writes live in service/accounts. Each call
// opens and releases its own read session. Worker threads only.
#include <cstdint>
#include <optional>
#include <string>

#include "app/context.hpp"
#include "service/paged.hpp"
#include "store/audit_repo.hpp"
#include "store/drivers_repo.hpp"
#include "store/employees_repo.hpp"
#include "store/wallet_repo.hpp"

namespace kw::service {

Paged<store::DriverRow> list_drivers(app::Context& ctx, const store::DriverFilter& filter, std::int64_t limit,
                                     std::int64_t offset);

struct DriverDetail {
    store::DriverRow driver;
    store::DriverOrderCounts orders;
    std::int64_t ledger_count = 0;
};
// kw::Error(not_found) without such a driver.
DriverDetail driver_detail(app::Context& ctx, std::int64_t driver_id);

// Newest first. require_driver: kw::Error(not_found) without such a driver (staff asking about an
// id); a driver reading their own ledger is known to exist.
Paged<store::LedgerRow> driver_ledger(app::Context& ctx, std::int64_t driver_id, std::int64_t limit,
                                      std::int64_t offset, bool require_driver);

Paged<store::EmployeeRow> list_employees(app::Context& ctx, const std::optional<std::string>& q,
                                         std::int64_t limit, std::int64_t offset);
Paged<store::AuditRow> list_audit(app::Context& ctx, const store::AuditFilter& filter, std::int64_t limit,
                                  std::int64_t offset);

std::optional<store::DriverRow> find_driver(app::Context& ctx, std::int64_t id);
std::optional<store::EmployeeRow> find_employee(app::Context& ctx, std::int64_t id);

}  // namespace kw::service
