#pragma once
// The audit trail of staff actions. Every admin write calls audit() inside the same transaction as
// the change it records, so the row exists exactly when the change does. Worker threads only.
#include <soci/soci.h>

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>

#include "app/context.hpp"
#include "domain/clock.hpp"

namespace kw::service {

// action: "<resource>.<verb>" (driver.adjust_balance, employee.create, order.refund, ...);
// target: "<kind>:<id>" (driver:42). detail must never hold a password or a hash.
void audit(soci::session& sql, std::int64_t employee_id, const std::string& action, const std::string& target,
           const boost::json::object& detail, UtcMs now);

// For an action whose change committed in another call (a remote start, a forced stop): its own
// session, now from ctx.clock.
void audit(app::Context& ctx, std::int64_t employee_id, const std::string& action, const std::string& target,
           const boost::json::object& detail);

}  // namespace kw::service
