// OCPP charge points waiting for approval (service/pending_stations.hpp): staff list them, approve
// one (which creates the charger, as the create route does, with the code the station uses) or
// dismiss it.
#include <boost/json.hpp>

#include "domain/clock.hpp"
#include "domain/error.hpp"
#include "domain/validate.hpp"
#include "http/handlers/charger_input.hpp"
#include "http/handlers/handlers.hpp"
#include "service/pending_stations.hpp"

namespace kw::http::handlers {

namespace json = boost::json;

namespace {

std::string path_code(const Call& call) {
    const std::string& code = call.req.params.at("code");
    domain::validate_charger_code(code);
    return code;
}

}  // namespace

Response admin_pending_stations_list(Call& call) {
    json::array items;
    for (const auto& s : service::list_pending_stations(call.ctx))
        items.push_back(json::object{{"code", s.code},
                                     {"protocol", s.protocol},
                                     {"vendor", s.vendor},
                                     {"model", s.model},
                                     {"serial", s.serial},
                                     {"firmware", s.firmware},
                                     {"first_seen", format_utc(s.first_seen)},
                                     {"last_seen", format_utc(s.last_seen)},
                                     {"boots", s.boots}});
    return json_response(json::object{{"items", std::move(items)}});
}

Response admin_pending_station_approve(Call& call) {
    const std::string code = path_code(call);
    json::object body = parse_object(call.req.body);
    if (const auto* given = body.if_contains("code"); given && (!given->is_string() || given->as_string() != code))
        throw Error(Errc::bad_request, "field 'code' must be the waiting charge point's code, " + code);
    body["code"] = code;
    body.erase("protocol");  // the station's own
    service::NewCharger c = parse_new_charger(body);
    auto [id, mqtt] = service::approve_pending_station(call.ctx, call.principal().id, c);
    return json_response(created_charger_json(call.ctx, id, mqtt), 201);
}

Response admin_pending_station_dismiss(Call& call) {
    service::dismiss_pending_station(call.ctx, call.principal().id, path_code(call));
    return no_content();
}

}  // namespace kw::http::handlers
