#pragma once
// Who is calling: a driver or a staff member, resolved from a session token.
#include <cstdint>
#include <string>

namespace kw {

enum class Role { driver, admin, operator_, maintainer };

struct Principal {
    Role role = Role::driver;
    std::int64_t id = 0;  // drivers.id or employees.id
    bool is_staff() const { return role != Role::driver; }
};

}  // namespace kw
