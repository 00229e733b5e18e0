#include "http/router.hpp"

#include <soci/soci-backend.h>
#include <spdlog/spdlog.h>

#include "domain/error.hpp"
#include "http/errors.hpp"
#include "http/handlers/charger_input.hpp"
#include "service/auth.hpp"

namespace kw::http {

using domain::Permission;
namespace h = handlers;

// clang-format off
const std::vector<Route>& routes() {
    static const std::vector<Route> table = {
        // Accounts
        {"POST", "/api/v1/auth/sms-code", Access::open, {}, h::sms_code, "Send a phone verification code"},
        {"POST", "/api/v1/auth/driver/register", Access::open, {}, h::driver_register, "Register a driver"},
        {"POST", "/api/v1/auth/driver/login", Access::open, {}, h::driver_login, "Driver login"},
        {"POST", "/api/v1/auth/staff/login", Access::open, {}, h::staff_login, "Staff login"},
        {"POST", "/api/v1/auth/logout", Access::user, {}, h::logout, "Revoke the token"},
        {"GET", "/api/v1/me", Access::user, {}, h::me, "The caller's profile"},
        {"POST", "/api/v1/ws-ticket", Access::user, {}, h::ws_ticket, "A one-use WebSocket ticket"},
        // Wallet
        {"GET", "/api/v1/wallet", Access::driver, {}, h::wallet_get, "Balance"},
        {"GET", "/api/v1/cards", Access::driver, {}, h::my_cards, "My RFID cards"},
        {"POST", "/api/v1/cards/{id}/block", Access::driver, {}, h::my_card_block, "Block a lost card"},
        {"GET", "/api/v1/wallet/ledger", Access::driver, {}, h::wallet_ledger, "Balance changes"},
        {"POST", "/api/v1/wallet/topups", Access::driver, {}, h::topup_create, "Start a top-up"},
        {"POST", "/api/v1/wallet/topups/{id}/sandbox-pay", Access::driver, {}, h::topup_confirm_sandbox, "Pay a top-up in the sandbox provider"},
        // Stations and chargers (drivers' view)
        {"GET", "/api/v1/stations", Access::user, {}, h::stations_list, "List stations"},
        {"GET", "/api/v1/stations/nearby", Access::user, {}, h::stations_nearby, "Stations by distance"},
        {"GET", "/api/v1/stations/{id}", Access::user, {}, h::station_get, "Station detail"},
        {"GET", "/api/v1/chargers/by-qr", Access::user, {}, h::charger_by_qr, "Resolve a QR code"},
        {"GET", "/api/v1/chargers/{code}", Access::user, {}, h::charger_get_public, "Charger detail"},
        // Orders and schedules
        {"POST", "/api/v1/orders", Access::driver, {}, h::order_start, "Start charging"},
        {"GET", "/api/v1/orders", Access::driver, {}, h::orders_list, "The driver's orders"},
        {"GET", "/api/v1/orders/current", Access::driver, {}, h::orders_current, "Active orders"},
        {"GET", "/api/v1/orders/{id}", Access::driver, {}, h::order_get, "Order detail"},
        {"POST", "/api/v1/orders/{id}/stop", Access::driver, {}, h::order_stop, "Stop charging"},
        {"POST", "/api/v1/schedules", Access::driver, {}, h::schedule_create, "Schedule a session"},
        {"GET", "/api/v1/schedules", Access::driver, {}, h::schedules_list, "The driver's schedules"},
        {"POST", "/api/v1/schedules/{id}/cancel", Access::driver, {}, h::schedule_cancel, "Cancel a schedule"},
        // Admin: network
        {"POST", "/api/v1/admin/stations", Access::staff, Permission::network_write, h::admin_station_create, "Create a station"},
        {"PUT", "/api/v1/admin/stations/{id}", Access::staff, Permission::network_write, h::admin_station_update, "Edit a station"},
        {"DELETE", "/api/v1/admin/stations/{id}", Access::staff, Permission::network_write, h::admin_station_delete, "Delete a station"},
        {"GET", "/api/v1/admin/chargers", Access::staff, Permission::network_read, h::admin_chargers_list, "List chargers"},
        {"POST", "/api/v1/admin/chargers", Access::staff, Permission::network_write, h::admin_charger_create, "Create a charger"},
        {"POST", "/api/v1/admin/chargers/import", Access::staff, Permission::network_write, h::admin_chargers_import, "Import chargers from CSV"},
        {"GET", "/api/v1/admin/chargers/{id}", Access::staff, Permission::network_read, h::admin_charger_get, "Charger detail"},
        {"PUT", "/api/v1/admin/chargers/{id}", Access::staff, Permission::network_write, h::admin_charger_update, "Edit a charger"},
        {"DELETE", "/api/v1/admin/chargers/{id}", Access::staff, Permission::network_write, h::admin_charger_delete, "Delete a charger"},
        {"POST", "/api/v1/admin/chargers/{id}/credentials", Access::staff, Permission::network_write, h::admin_charger_reset_credentials, "Issue new MQTT credentials"},
        {"POST", "/api/v1/admin/chargers/{id}/connectors", Access::staff, Permission::network_write, h::admin_connector_create, "Add a connector"},
        {"PUT", "/api/v1/admin/chargers/{id}/connectors/{no}", Access::staff, Permission::network_write, h::admin_connector_update, "Edit a connector"},
        {"DELETE", "/api/v1/admin/chargers/{id}/connectors/{no}", Access::staff, Permission::network_write, h::admin_connector_delete, "Delete a connector"},
        {"POST", "/api/v1/admin/chargers/{id}/remote-start", Access::staff, Permission::charger_control, h::admin_charger_remote_start, "Maintenance start"},
        {"POST", "/api/v1/admin/chargers/{id}/commands", Access::staff, Permission::charger_control, h::admin_charger_command_create, "Send a command (OCPP chargers)"},
        {"GET", "/api/v1/admin/chargers/{id}/commands", Access::staff, Permission::network_read, h::admin_charger_commands_list, "Commands sent and their answers"},
        {"GET", "/api/v1/admin/chargers/{id}/commands/{cid}", Access::staff, Permission::network_read, h::admin_charger_command_get, "A command and its answer"},
        {"GET", "/api/v1/admin/chargers/{id}/protocol-log", Access::staff, Permission::network_read, h::admin_charger_protocol_log, "The OCPP message log"},
        {"GET", "/api/v1/admin/ocpp/pending", Access::staff, Permission::network_read, h::admin_pending_stations_list, "OCPP charge points waiting for approval"},
        {"POST", "/api/v1/admin/ocpp/pending/{code}/approve", Access::staff, Permission::network_write, h::admin_pending_station_approve, "Approve a waiting charge point (creates the charger)"},
        {"DELETE", "/api/v1/admin/ocpp/pending/{code}", Access::staff, Permission::network_write, h::admin_pending_station_dismiss, "Dismiss a waiting charge point"},
        {"POST", "/api/v1/admin/chargers/{id}/remote-stop", Access::staff, Permission::charger_control, h::admin_charger_remote_stop, "Remote stop"},
        {"GET", "/api/v1/admin/tariffs", Access::staff, Permission::network_read, h::admin_tariffs_list, "List tariffs"},
        {"POST", "/api/v1/admin/tariffs", Access::staff, Permission::network_write, h::admin_tariff_create, "Create a tariff"},
        {"GET", "/api/v1/admin/tariffs/{id}", Access::staff, Permission::network_read, h::admin_tariff_get, "Tariff detail"},
        {"PUT", "/api/v1/admin/tariffs/{id}", Access::staff, Permission::network_write, h::admin_tariff_update, "Edit a tariff"},
        {"DELETE", "/api/v1/admin/tariffs/{id}", Access::staff, Permission::network_write, h::admin_tariff_delete, "Delete a tariff"},
        {"GET", "/api/v1/admin/alarms", Access::staff, Permission::network_read, h::admin_alarms_list, "Recent alarms"},
        {"GET", "/api/v1/admin/dashboard", Access::staff, Permission::dashboard_read, h::admin_dashboard, "Dashboard statistics"},
        // Admin: people and money
        {"GET", "/api/v1/admin/drivers", Access::staff, Permission::drivers_read, h::admin_drivers_list, "List/search drivers"},
        {"GET", "/api/v1/admin/drivers/{id}", Access::staff, Permission::drivers_read, h::admin_driver_get, "Driver detail"},
        {"GET", "/api/v1/admin/drivers/{id}/ledger", Access::staff, Permission::drivers_read, h::admin_driver_ledger, "Driver's ledger"},
        {"POST", "/api/v1/admin/drivers/{id}/disable", Access::staff, Permission::drivers_write, h::admin_driver_disable, "Disable a driver"},
        {"GET", "/api/v1/admin/drivers/{id}/cards", Access::staff, Permission::drivers_read, h::admin_driver_cards, "A driver's RFID cards"},
        {"POST", "/api/v1/admin/drivers/{id}/cards", Access::staff, Permission::drivers_write, h::admin_driver_card_issue, "Issue an RFID card"},
        {"PUT", "/api/v1/admin/cards/{id}", Access::staff, Permission::drivers_write, h::admin_card_update, "Block, unblock or expire a card"},
        {"POST", "/api/v1/admin/drivers/{id}/enable", Access::staff, Permission::drivers_write, h::admin_driver_enable, "Enable a driver"},
        {"POST", "/api/v1/admin/drivers/{id}/balance-adjustments", Access::staff, Permission::balance_adjust, h::admin_driver_adjust_balance, "Adjust a balance"},
        {"GET", "/api/v1/admin/orders", Access::staff, Permission::orders_read, h::admin_orders_list, "List orders"},
        {"GET", "/api/v1/admin/orders/{id}", Access::staff, Permission::orders_read, h::admin_order_get, "Order detail"},
        {"POST", "/api/v1/admin/orders/{id}/force-stop", Access::staff, Permission::orders_force_stop, h::admin_order_force_stop, "Force stop"},
        {"POST", "/api/v1/admin/orders/{id}/refunds", Access::staff, Permission::orders_refund, h::admin_order_refund, "Refund"},
        {"GET", "/api/v1/admin/employees", Access::staff, Permission::employees_manage, h::admin_employees_list, "List employees"},
        {"POST", "/api/v1/admin/employees", Access::staff, Permission::employees_manage, h::admin_employee_create, "Create an employee"},
        {"PUT", "/api/v1/admin/employees/{id}", Access::staff, Permission::employees_manage, h::admin_employee_update, "Edit/disable an employee"},
        {"POST", "/api/v1/admin/employees/{id}/reset-password", Access::staff, Permission::employees_manage, h::admin_employee_reset_password, "Reset a password"},
        {"GET", "/api/v1/admin/audit", Access::staff, Permission::audit_read, h::admin_audit_list, "Audit log"},
        // Broker hooks (EMQX HTTP authentication/authorization)
        {"POST", "/api/v1/broker/auth", Access::open, {}, h::broker_auth, "EMQX authentication hook"},
        {"POST", "/api/v1/broker/acl", Access::open, {}, h::broker_acl, "EMQX authorization hook"},
    };
    return table;
}
// clang-format on

namespace {

// Splits "/a/b/c" into {"a","b","c"}.
std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos < path.size()) {
        if (path[pos] == '/') {
            ++pos;
            continue;
        }
        std::size_t end = path.find('/', pos);
        if (end == std::string_view::npos) end = path.size();
        out.push_back(path.substr(pos, end - pos));
        pos = end;
    }
    return out;
}

bool match(const Route& route, const std::vector<std::string_view>& path, Request& req) {
    auto pattern = segments(route.pattern);
    if (pattern.size() != path.size()) return false;
    std::map<std::string, std::string> params;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i].size() > 2 && pattern[i].front() == '{' && pattern[i].back() == '}') {
            params.emplace(std::string(pattern[i].substr(1, pattern[i].size() - 2)), std::string(path[i]));
        } else if (pattern[i] != path[i]) {
            return false;
        }
    }
    req.params = std::move(params);
    return true;
}

// Authenticates, checks the route's access and runs its handler; throws what they throw.
Response run(app::Context& ctx, const Route& found, Request& req) {
    Call call{ctx, req, std::nullopt};
    if (found.access != Access::open) {
        if (req.bearer_token.empty()) throw Error(Errc::unauthorized, "missing bearer token");
        call.who = service::authenticate(ctx, req.bearer_token);
        if (!call.who) throw Error(Errc::unauthorized, "invalid or expired token");
        const Principal& p = *call.who;
        if (found.access == Access::driver && p.role != Role::driver)
            throw Error(Errc::forbidden, "only drivers may do this");
        if (found.access == Access::staff && !p.is_staff()) throw Error(Errc::forbidden, "staff only");
        if (found.access == Access::staff && !domain::allowed(p.role, found.permission))
            throw Error(Errc::forbidden, std::string("role ") + std::string(domain::to_string(p.role)) +
                                             " lacks permission " +
                                             std::string(domain::to_string(found.permission)));
    }
    Response response = found.handler(call);
    response.route = found.pattern;
    return response;
}

}  // namespace

Response dispatch(app::Context& ctx, Request& req) {
    const Route* found = nullptr;
    try {
        const auto path = segments(req.path);
        bool path_known = false;
        // Literal segments win over parameters ("/orders/current" before "/orders/{id}"): the
        // table lists them first where it matters, and the first match wins.
        for (const Route& route : routes()) {
            if (!match(route, path, req)) continue;
            path_known = true;
            if (req.method == route.method) {
                found = &route;
                break;
            }
        }
        if (!found) {
            if (path_known)
                throw Error(Errc::method_not_allowed, "method " + req.method + " not allowed here");
            throw Error(Errc::not_found, "no such endpoint: " + req.path);
        }
        try {
            return run(ctx, *found, req);
        } catch (const soci::soci_error& e) {
            // A read that found its pooled database connection dead (the database restarted while
            // the connection sat idle, too briefly for the pool's idle check): the session healed
            // the connection on its way back, and every other pooled one is checked before its next
            // use, so the read runs once more instead of failing. Writes are not repeated: the
            // caller gets 503 with Retry-After and decides.
            if (req.method != "GET" || e.get_error_category() != soci::soci_error::connection_error) throw;
            spdlog::warn("event=http_read_retried path={} error=\"{}\"", req.path, e.what());
            return run(ctx, *found, req);
        }
    } catch (...) {
        Response response = error_response(std::current_exception(), req);
        if (found) response.route = found->pattern;
        return response;
    }
}

}  // namespace kw::http
