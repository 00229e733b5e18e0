// Auth routes: SMS codes, driver register/login, staff login, logout, the caller's profile, WebSocket
// tickets.
#include "service/auth.hpp"

#include <boost/json.hpp>

#include "domain/error.hpp"
#include "domain/permissions.hpp"
#include "http/handlers/accounts_json.hpp"
#include "http/handlers/handlers.hpp"
#include "service/accounts.hpp"
#include "service/directory.hpp"
#include "service/verification.hpp"

namespace kw::http::handlers {

namespace {

// Permissions are listed in declaration order; dashboard_read is the last enumerator.
boost::json::array permissions_of(Role role) {
    boost::json::array out;
    for (int p = 0; p <= static_cast<int>(domain::Permission::dashboard_read); ++p) {
        auto permission = static_cast<domain::Permission>(p);
        if (domain::allowed(role, permission)) out.emplace_back(domain::to_string(permission));
    }
    return out;
}

boost::json::object token_json(const service::IssuedToken& t) {
    return {{"token", t.token}, {"expires_at", format_utc(t.expires_at)}};
}

}  // namespace

Response sms_code(Call& call) {
    auto body = parse_object(call.req.body);
    auto phone = require_string(body, "phone", 20);
    auto purpose = optional_string(body, "purpose", 20).value_or("register");
    auto sent = service::request_sms_code(call.ctx, phone, purpose, call.client_address());
    return json_response(
        boost::json::object{{"sent", true}, {"expires_in_s", sent.expires_in_s}, {"resend_after_s", sent.resend_after_s}},
        202);
}

Response driver_register(Call& call) {
    auto body = parse_object(call.req.body);
    auto phone = require_string(body, "phone", 20);
    auto code = require_string(body, "code", 12);
    auto password = require_string(body, "password", 64);
    auto nickname = optional_string(body, "nickname", 200);
    auto session = service::register_driver(call.ctx, phone, code, password, nickname, call.client_address());
    auto out = token_json(session.token);
    out["driver"] = driver_json(session.driver, false);
    return json_response(out, 201);
}

Response driver_login(Call& call) {
    auto body = parse_object(call.req.body);
    auto phone = require_string(body, "phone", 20);
    auto password = require_string(body, "password", 64);
    auto session = service::login_driver(call.ctx, phone, password, call.client_address());
    auto out = token_json(session.token);
    out["driver"] = driver_json(session.driver, false);
    return json_response(out);
}

Response staff_login(Call& call) {
    auto body = parse_object(call.req.body);
    auto login = require_string(body, "login", 50);
    auto password = require_string(body, "password", 64);
    auto session = service::login_staff(call.ctx, login, password, call.client_address());
    auto out = token_json(session.token);
    out["employee"] = employee_json(session.employee);
    return json_response(out);
}

Response logout(Call& call) {
    service::revoke_token(call.ctx, call.req.bearer_token);
    return no_content();
}

Response ws_ticket(Call& call) {
    auto ticket = service::issue_ws_ticket(call.ctx, call.req.bearer_token);
    return json_response(boost::json::object{{"ticket", ticket.ticket}, {"expires_in_s", ticket.expires_in_s}}, 201);
}

Response me(Call& call) {
    const Principal& who = call.principal();
    if (!who.is_staff()) {
        auto driver = service::find_driver(call.ctx, who.id);
        if (!driver) throw Error(Errc::unauthorized, "the account no longer exists");
        auto out = driver_json(*driver, false);
        out["kind"] = "driver";
        return json_response(out);
    }
    auto employee = service::find_employee(call.ctx, who.id);
    if (!employee) throw Error(Errc::unauthorized, "the account no longer exists");
    auto out = employee_json(*employee);
    out["kind"] = "staff";
    out["permissions"] = permissions_of(who.role);
    return json_response(out);
}

}  // namespace kw::http::handlers
