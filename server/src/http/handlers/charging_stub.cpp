// TEMPORARY: placeholders until the charging slice lands; each is deleted with its real handler.
#include "domain/error.hpp"
#include "http/handlers/handlers.hpp"

namespace kw::http::handlers {
Response order_start(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response orders_list(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response orders_current(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response order_get(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response order_stop(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_orders_list(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_order_get(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_order_force_stop(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_order_refund(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_charger_remote_start(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_charger_remote_stop(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response schedule_create(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response schedules_list(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response schedule_cancel(Call&) { throw Error(Errc::internal, "not implemented yet"); }
}  // namespace kw::http::handlers
