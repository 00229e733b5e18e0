// TEMPORARY: placeholders until the network slice lands; each is deleted with its real handler.
#include "domain/error.hpp"
#include "http/handlers/handlers.hpp"

namespace kw::http::handlers {
Response stations_list(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response stations_nearby(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response station_get(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_station_create(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_station_update(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_station_delete(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response charger_by_qr(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response charger_get_public(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_chargers_list(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_charger_get(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_charger_create(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_charger_update(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_charger_delete(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_charger_reset_credentials(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_connector_create(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_connector_update(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_connector_delete(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_tariffs_list(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_tariff_get(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_tariff_create(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_tariff_update(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_tariff_delete(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_dashboard(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response admin_alarms_list(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response broker_auth(Call&) { throw Error(Errc::internal, "not implemented yet"); }
Response broker_acl(Call&) { throw Error(Errc::internal, "not implemented yet"); }
}  // namespace kw::http::handlers
