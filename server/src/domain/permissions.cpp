#include "domain/permissions.hpp"

#include "domain/error.hpp"

namespace kw::domain {

bool allowed(Role role, Permission p) {
    switch (role) {
        case Role::admin:
            return true;
        case Role::operator_:
            return p != Permission::employees_manage && p != Permission::audit_read;
        case Role::maintainer:
            return p == Permission::network_read || p == Permission::network_write ||
                   p == Permission::charger_control || p == Permission::orders_read ||
                   p == Permission::dashboard_read;
        case Role::driver:
            return false;
    }
    return false;
}

std::string_view to_string(Role role) {
    switch (role) {
        case Role::driver: return "driver";
        case Role::admin: return "admin";
        case Role::operator_: return "operator";
        case Role::maintainer: return "maintainer";
    }
    return "driver";
}

Role role_from_string(std::string_view text) {
    if (text == "admin") return Role::admin;
    if (text == "operator") return Role::operator_;
    if (text == "maintainer") return Role::maintainer;
    if (text == "driver") return Role::driver;
    throw Error(Errc::bad_request, "unknown role: " + std::string(text));
}

std::string_view to_string(Permission p) {
    switch (p) {
        case Permission::network_read: return "network_read";
        case Permission::network_write: return "network_write";
        case Permission::charger_control: return "charger_control";
        case Permission::drivers_read: return "drivers_read";
        case Permission::drivers_write: return "drivers_write";
        case Permission::balance_adjust: return "balance_adjust";
        case Permission::orders_read: return "orders_read";
        case Permission::orders_force_stop: return "orders_force_stop";
        case Permission::orders_refund: return "orders_refund";
        case Permission::employees_manage: return "employees_manage";
        case Permission::audit_read: return "audit_read";
        case Permission::dashboard_read: return "dashboard_read";
    }
    return "";
}

}  // namespace kw::domain
