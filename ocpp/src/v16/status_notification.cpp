// StatusNotification: a connector's status becomes kw-mqtt/1 `status`; connector 0 is the charge
// point itself, which kw-mqtt/1 has no status for: its Faulted becomes a `fault` on connector 0,
// and a later non-Faulted status clears it. An errorCode other than NoError on a connector is
// reported with its status (the core raises the alarm). Answered at once.
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "v16/station.hpp"

namespace kw::ocpp::v16 {

namespace json = boost::json;

std::string_view kw_status(std::string_view ocpp_status) {
    if (ocpp_status == "Available") return "available";
    if (ocpp_status == "Preparing") return "preparing";
    if (ocpp_status == "Charging") return "charging";
    if (ocpp_status == "SuspendedEV" || ocpp_status == "SuspendedEVSE") return "suspended";
    if (ocpp_status == "Finishing") return "finishing";
    if (ocpp_status == "Faulted") return "faulted";
    // Reserved (Kilowatt has no reservations: the connector cannot be started from the app) and
    // Unavailable.
    return "unavailable";
}

void Station::status_notification(const Call& call) {
    const json::object& p = call.payload.as_object();
    const std::int64_t connector = p.at("connectorId").as_int64();
    const std::string_view status = p.at("status").as_string();
    const std::string_view error_code = p.at("errorCode").as_string();
    const std::string ts = time_of(p.if_contains("timestamp"), "timestamp");
    std::string error = error_code == "NoError" ? "" : std::string(error_code);
    if (const auto* vendor = p.if_contains("vendorErrorCode"); vendor && !error.empty())
        error += ":" + std::string(vendor->as_string());
    if (connector == 0) {
        const bool faulted = status == "Faulted";
        if (faulted || station_faulted_) {
            json::object fault{{"connector", 0},
                               {"code", faulted ? (error.empty() ? std::string("Faulted") : error) : station_fault_},
                               {"severity", "error"},
                               {"cleared", !faulted},
                               {"ts", ts}};
            if (const auto* info = p.if_contains("info")) fault["message"] = info->as_string();
            io_.publish("fault", json::serialize(fault), 1);
            station_faulted_ = faulted;
            if (faulted) station_fault_ = fault["code"].as_string().c_str();
        }
        return answer(call.id, json::object{});
    }
    json::object out{{"connector", connector}, {"status", kw_status(status)}, {"error", error}, {"ts", ts}};
    io_.publish("status", json::serialize(out), 1);
    answer(call.id, json::object{});
}

}  // namespace kw::ocpp::v16
