#pragma once
// Every HTTP handler, one file per resource under http/handlers/. http/router.cpp is the one route
// table that maps method + path to these. A handler parses, calls the service/domain, formats.
#include <optional>

#include "app/context.hpp"
#include "domain/principal.hpp"
#include "http/json_body.hpp"
#include "http/request.hpp"

namespace kw::http {

// What a handler gets: the context, the request (path params filled) and the caller, already
// authenticated and checked against the route's access rule.
struct Call {
    app::Context& ctx;
    Request& req;
    std::optional<Principal> who;
    const Principal& principal() const { return *who; }
    // The client's IP for throttling: X-Real-IP when server.trust_proxy (our nginx sets it), else the peer.
    const std::string& client_address() const {
        return ctx.config.server.trust_proxy && !req.real_ip.empty() ? req.real_ip : req.remote_address;
    }
};

using Handler = Response (*)(Call&);

}  // namespace kw::http
namespace kw::domain { struct StopLimits; }
namespace kw::http {

// The optional "limits" object of start/schedule bodies: {energy_wh, amount_fen, minutes}.
domain::StopLimits parse_limits(const boost::json::object& body);

namespace handlers {

// auth.cpp
Response driver_register(Call&);
Response driver_login(Call&);
Response staff_login(Call&);
Response sms_code(Call&);
Response logout(Call&);
Response me(Call&);
Response ws_ticket(Call&);
// wallet.cpp
Response wallet_get(Call&);
Response wallet_ledger(Call&);
Response topup_create(Call&);
Response topup_confirm_sandbox(Call&);
// admin_drivers.cpp
Response admin_drivers_list(Call&);
Response admin_driver_get(Call&);
Response admin_driver_disable(Call&);
Response admin_driver_enable(Call&);
Response admin_driver_adjust_balance(Call&);
Response admin_driver_ledger(Call&);
// admin_employees.cpp
Response admin_employees_list(Call&);
Response admin_employee_create(Call&);
Response admin_employee_update(Call&);
Response admin_employee_reset_password(Call&);
Response admin_audit_list(Call&);

// stations.cpp (public + admin)
Response stations_list(Call&);
Response stations_nearby(Call&);
Response station_get(Call&);
Response admin_station_create(Call&);
Response admin_station_update(Call&);
Response admin_station_delete(Call&);
// cards.cpp
Response admin_driver_cards(Call&);
Response admin_driver_card_issue(Call&);
Response admin_card_update(Call&);
Response admin_pending_stations_list(Call&);
Response admin_pending_station_approve(Call&);
Response admin_pending_station_dismiss(Call&);
Response my_cards(Call&);
Response my_card_block(Call&);

// charger_commands.cpp
Response admin_charger_command_create(Call&);
Response admin_charger_commands_list(Call&);
Response admin_charger_command_get(Call&);
Response admin_charger_protocol_log(Call&);

// chargers.cpp
Response charger_by_qr(Call&);
Response charger_get_public(Call&);
Response admin_chargers_list(Call&);
Response admin_charger_get(Call&);
Response admin_charger_create(Call&);
Response admin_charger_update(Call&);
Response admin_charger_delete(Call&);
Response admin_charger_reset_credentials(Call&);
Response admin_connector_create(Call&);
Response admin_connector_update(Call&);
Response admin_connector_delete(Call&);
// tariffs.cpp
Response admin_tariffs_list(Call&);
Response admin_tariff_get(Call&);
Response admin_tariff_create(Call&);
Response admin_tariff_update(Call&);
Response admin_tariff_delete(Call&);
// dashboard.cpp
Response admin_dashboard(Call&);
Response admin_alarms_list(Call&);
// broker_hooks.cpp (EMQX HTTP auth/ACL hooks; authenticated by mqtt.hook_secret)
Response broker_auth(Call&);
Response broker_acl(Call&);

// orders.cpp
Response order_start(Call&);
Response orders_list(Call&);
Response orders_current(Call&);
Response order_get(Call&);
Response order_stop(Call&);
Response admin_orders_list(Call&);
Response admin_order_get(Call&);
Response admin_order_force_stop(Call&);
Response admin_order_refund(Call&);
Response admin_charger_remote_start(Call&);
Response admin_charger_remote_stop(Call&);
// schedules.cpp
Response schedule_create(Call&);
Response schedules_list(Call&);
Response schedule_cancel(Call&);

}  // namespace handlers
}  // namespace kw::http
