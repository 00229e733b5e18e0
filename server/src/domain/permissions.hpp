#pragma once
// The one role table: which staff role may do what. http/router.cpp tags every admin route with a
// Permission and checks it here; docs/api.md repeats this table for people.
#include <string_view>

#include "domain/principal.hpp"

namespace kw::domain {

enum class Permission {
    network_read,        // stations, chargers, tariffs, alarms, live monitoring
    network_write,       // create/edit/delete stations, chargers, connectors, tariffs
    charger_control,     // remote start (maintenance) and remote stop of a charger
    drivers_read,        // list/search drivers, their orders and ledger
    drivers_write,       // disable/enable drivers
    balance_adjust,      // adjust a driver's wallet balance
    orders_read,         // all orders
    orders_force_stop,   // stop anyone's session
    orders_refund,       // refund an order
    employees_manage,    // create/edit/disable employees, reset passwords
    audit_read,          // the audit log
    dashboard_read,      // dashboard statistics
};

// admin: everything. operator: everything but employees and the audit log. maintainer: the network
// (read + write), charger control, orders read, dashboard; no money, no drivers, no employees.
bool allowed(Role role, Permission permission);

std::string_view to_string(Role role);        // "driver", "admin", "operator", "maintainer"
Role role_from_string(std::string_view text);  // throws kw::Error(bad_request) if unknown
std::string_view to_string(Permission permission);

}  // namespace kw::domain
