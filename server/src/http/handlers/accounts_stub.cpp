// TEMPORARY: placeholders until the accounts slice lands; each is deleted with its real handler.
#include "domain/error.hpp"
#include "service/auth.hpp"
#include "http/handlers/handlers.hpp"

namespace kw::http::handlers {
Response driver_register(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response driver_login(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response staff_login(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response logout(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response me(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response wallet_get(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response wallet_ledger(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response topup_create(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response topup_confirm_sandbox(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_drivers_list(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_driver_get(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_driver_disable(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_driver_enable(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_driver_adjust_balance(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_driver_ledger(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_employees_list(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_employee_create(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_employee_update(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_employee_reset_password(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_audit_list(Call&) { throw Error(Errc::internal, "not implemented yet"); }
}  // namespace kw::http::handlers
namespace kw::service {
std::optional<Principal> authenticate(app::Context&, const std::string&) { return std::nullopt; }
}
