// Admin routes on employees and the audit log.
#include <boost/json.hpp>

#include "domain/error.hpp"
#include "domain/permissions.hpp"
#include "http/handlers/accounts_json.hpp"
#include "http/handlers/handlers.hpp"
#include "service/accounts.hpp"
#include "service/directory.hpp"

namespace kw::http::handlers {

namespace {

// The stored detail is always a JSON object we wrote; anything else is shown as an empty object.
boost::json::object detail_object(const std::string& text) {
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    if (ec || !v.is_object()) return {};
    return std::move(v.as_object());
}

}  // namespace

Response admin_employees_list(Call& call) {
    Page page = query_page(call.req);
    auto q = query_string(call.req, "q");
    auto found = service::list_employees(call.ctx, q, page.size, page.offset());
    boost::json::array items;
    for (const auto& row : found.items) items.push_back(employee_json(row));
    return json_response(page_body(std::move(items), found.total, page));
}

Response admin_employee_create(Call& call) {
    auto body = parse_object(call.req.body);
    auto login = require_string(body, "login", 50);
    auto password = require_string(body, "password", 64);
    auto name = require_string(body, "name", 200);
    auto role = domain::role_from_string(require_string(body, "role", 16));
    auto row = service::add_employee(call.ctx, call.principal().id, login, password, name, role);
    return json_response(employee_json(row), 201);
}

Response admin_employee_update(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto body = parse_object(call.req.body);
    service::EmployeeChanges changes;
    changes.name = optional_string(body, "name", 200);
    if (auto role = optional_string(body, "role", 16)) changes.role = domain::role_from_string(*role);
    changes.enabled = optional_bool(body, "enabled");
    return json_response(employee_json(service::change_employee(call.ctx, call.principal().id, id, changes)));
}

Response admin_employee_reset_password(Call& call) {
    const std::int64_t id = path_id(call.req, "id");
    auto body = parse_object(call.req.body);
    auto password = require_string(body, "password", 64);
    service::reset_employee_password(call.ctx, call.principal().id, id, password);
    return no_content();
}

Response admin_audit_list(Call& call) {
    Page page = query_page(call.req);
    store::AuditFilter filter;
    filter.employee_id = query_int(call.req, "employee_id");
    filter.action = query_string(call.req, "action");
    if (auto from = query_string(call.req, "from")) filter.from = parse_utc(*from);
    if (auto to = query_string(call.req, "to")) filter.to = parse_utc(*to);
    auto found = service::list_audit(call.ctx, filter, page.size, page.offset());
    boost::json::array items;
    for (const auto& row : found.items) {
        items.push_back(boost::json::object{
            {"id", row.id},
            {"employee_id", row.employee_id},
            {"employee_login", row.employee_login},
            {"action", row.action},
            {"target", row.target},
            {"detail", detail_object(row.detail)},
            {"created_at", format_utc(row.created_at)},
        });
    }
    return json_response(page_body(std::move(items), found.total, page));
}

}  // namespace kw::http::handlers
