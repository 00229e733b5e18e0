// The core's start and stop commands as RemoteStartTransaction / RemoteStopTransaction. The core
// repeats a command until it is acknowledged (docs/device-protocol.md), so a repeat while the CALL is
// queued or sent is dropped, a start for a transaction already running is acknowledged again, and
// one for a transaction that has ended is refused `already_ended`, as a kw-mqtt/1 charger does.
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "v16/station.hpp"

namespace kw::ocpp::v16 {

namespace json = boost::json;

void Station::ack(std::string_view corr, std::string_view cmd, bool accepted, std::string_view reason,
                  const json::object& result) {
    json::object a{{"corr", corr}, {"cmd", cmd}, {"accepted", accepted}, {"reason", reason}};
    if (!result.empty()) a["result"] = result;
    io_.publish("ack", json::serialize(a), 1);
}

bool Station::has_ended(std::int64_t order) const {
    return std::find(ended_orders_.begin(), ended_orders_.end(), order) != ended_orders_.end();
}

void Station::remote_start(const json::object& cmd) {
    const std::string corr(cmd.at("corr").as_string());
    const std::int64_t connector = cmd.at("connector").as_int64();
    const std::int64_t order = cmd.at("order_id").as_int64();
    if (transactions_.contains(order)) return ack(corr, "start", true, "");
    if (has_ended(order)) return ack(corr, "start", false, "already_ended");
    if (!remote_starts_.insert(order).second) return;  // queued or sent already
    queue_call(Outgoing{"RemoteStartTransaction",
                        json::object{{"connectorId", connector}, {"idTag", order_tag(order)}}, corr, "start"});
}

void Station::remote_stop(const json::object& cmd) {
    const std::string corr(cmd.at("corr").as_string());
    std::int64_t tx = cmd.at("order_id").as_int64();
    // The transaction the charge point reported (a stray one may not be the order's).
    if (const auto* tx_id = cmd.if_contains("tx_id"); tx_id && tx_id->is_string()) {
        try {
            tx = std::stoll(std::string(tx_id->as_string()));
        } catch (const std::exception&) {
        }
    }
    if (has_ended(tx) && !transactions_.contains(tx)) return ack(corr, "stop", true, "");
    for (const auto& o : outgoing_)
        if (o.action == "RemoteStopTransaction" && o.payload.at("transactionId").as_int64() == tx) return;
    queue_call(Outgoing{"RemoteStopTransaction", json::object{{"transactionId", tx}}, corr, "stop"});
}

}  // namespace kw::ocpp::v16
