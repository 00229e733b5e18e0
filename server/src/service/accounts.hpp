#pragma once
// Accounts: driver registration and login, staff login, employees, and the admin actions on
// drivers and employees (each audited in the same transaction as the change). Passwords are hashed
// here (service/auth.hpp) and never leave this layer. Worker threads only: blocking SQL, Redis and
// ~20 MiB argon2id per hash; hashing is done before a pooled SQL session is taken where possible.
#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>

#include "app/context.hpp"
#include "domain/principal.hpp"
#include "service/auth.hpp"
#include "service/wallet.hpp"
#include "store/drivers_repo.hpp"
#include "store/employees_repo.hpp"

namespace kw::service {

// Validates (CN mobile, password policy, nickname 1..50 characters) and inserts an active driver.
// kw::Error(conflict) for a taken phone. Hashes the password while holding `sql`.
std::int64_t create_driver(soci::session& sql, const std::string& phone, const std::string& password,
                           const std::string& nickname, UtcMs now);
// Validates (login 3..50 [A-Za-z0-9_.-], password policy, name 1..50 characters, a staff role) and
// inserts an enabled employee. kw::Error(conflict) for a taken login.
std::int64_t create_employee(soci::session& sql, const std::string& login, const std::string& password,
                             const std::string& name, Role role, UtcMs now);
// Creates an admin from "login:password" only if no employee exists yet; logs event=bootstrap_admin.
void bootstrap_admin(app::Context& ctx, const std::string& login_colon_password);

struct DriverSession {
    store::DriverRow driver;
    IssuedToken token;
};
struct StaffSession {
    store::EmployeeRow employee;
    IssuedToken token;
};

// Registration needs the SMS code sent to the phone (service/verification.hpp); a taken phone is
// kw::Error(conflict) only after its code was right. Quota: limits.register_per_ip_per_hour per
// client address. nickname absent: "用户" + the phone's last 4 digits.
DriverSession register_driver(app::Context& ctx, const std::string& phone, const std::string& code,
                              const std::string& password, const std::optional<std::string>& nickname,
                              const std::string& address);
// Wrong phone and wrong password are the same kw::Error(unauthorized); a disabled account with the
// right password is kw::Error(forbidden). Failures are throttled per account and per client address
// (service/throttle.hpp: kw::Error(too_many_requests)); a staff failure is also audited.
DriverSession login_driver(app::Context& ctx, const std::string& phone, const std::string& password,
                           const std::string& address);
StaffSession login_staff(app::Context& ctx, const std::string& login, const std::string& password,
                         const std::string& address);

// Admin actions on drivers. kw::Error(not_found) for an unknown driver.
store::DriverRow set_driver_enabled(app::Context& ctx, std::int64_t actor_id, std::int64_t driver_id,
                                    bool enabled);
BalanceChange adjust_balance(app::Context& ctx, std::int64_t actor_id, std::int64_t driver_id,
                             std::int64_t delta_fen, const std::string& reason);

// Admin actions on employees.
store::EmployeeRow add_employee(app::Context& ctx, std::int64_t actor_id, const std::string& login,
                                const std::string& password, const std::string& name, Role role);
struct EmployeeChanges {
    std::optional<std::string> name;
    std::optional<Role> role;
    std::optional<bool> enabled;
};
// An admin cannot disable or demote themself (conflict), and the last enabled admin cannot be
// disabled or demoted by anyone (conflict, checked under a lock in the same transaction). Disabling
// or changing the role revokes the employee's tokens (a token carries the role it was issued for).
store::EmployeeRow change_employee(app::Context& ctx, std::int64_t actor_id, std::int64_t employee_id,
                                   const EmployeeChanges& changes);
void reset_employee_password(app::Context& ctx, std::int64_t actor_id, std::int64_t employee_id,
                             const std::string& password);

}  // namespace kw::service
