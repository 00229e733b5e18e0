#pragma once
// SQL for the employees table (staff of the admin console). Plain functions on a caller's session
// (worker threads only); the caller decides the transaction.
#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"

namespace kw::store {

struct EmployeeRow {
    std::int64_t id = 0;
    std::string login;
    std::string password_hash;
    std::string name;
    std::string role;  // admin | operator | maintainer
    bool enabled = true;
    UtcMs created_at = 0;
    UtcMs updated_at = 0;
};

// kw::Error(conflict) if the login is taken.
std::int64_t insert_employee(soci::session& sql, const std::string& login, const std::string& password_hash,
                             const std::string& name, const std::string& role, UtcMs now);
std::optional<EmployeeRow> find_employee(soci::session& sql, std::int64_t id);
std::optional<EmployeeRow> find_employee_by_login(soci::session& sql, const std::string& login);
std::int64_t count_all_employees(soci::session& sql);
// Writes name, role and enabled from `row` (by row.id).
void update_employee(soci::session& sql, const EmployeeRow& row, UtcMs now);
void set_employee_password(soci::session& sql, std::int64_t id, const std::string& password_hash, UtcMs now);

// q: login or name substring. Ordered by id. Rows have an empty password_hash.
std::vector<EmployeeRow> list_employees(soci::session& sql, const std::optional<std::string>& q,
                                        std::int64_t limit, std::int64_t offset);
std::int64_t count_employees(soci::session& sql, const std::optional<std::string>& q);

}  // namespace kw::store

namespace kw::store {

// Enabled admins, read with a lock on MySQL (SELECT … FOR UPDATE) so two transactions demoting or
// disabling admins at once see each other's change; SQLite serialises writers anyway.
std::int64_t count_enabled_admins_locked(soci::session& sql);

}  // namespace kw::store
