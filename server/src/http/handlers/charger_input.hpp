#pragma once
// The fields of a new charger as the admin create route takes them, shared with the CSV import so
// that a row is checked exactly like a single create; and the import route (charger_import.cpp).
// Pure apart from the handler; any thread.
#include <boost/json/object.hpp>

#include "http/handlers/handlers.hpp"
#include "service/network.hpp"

namespace kw::http::handlers {

// {code, station_id, name?, kind, rated_w, connectors?}; kw::Error(bad_request) naming the field.
service::NewCharger parse_new_charger(const boost::json::object& body);
// The answer to a charger's creation (create, or approval of a waiting OCPP charge point): the
// charger, its one-time broker login `mqtt` and, for an OCPP charger, its edge login `ocpp`.
boost::json::object created_charger_json(app::Context& ctx, std::int64_t id, const service::MqttCredentials& mqtt);

Response admin_chargers_import(Call&);

}  // namespace kw::http::handlers
