// StartTransaction and StopTransaction, as kw-mqtt/1 tx events `started` (seq 1) and `ended`
// (seq 2) with tx_id = the transactionId = the order id. The events are kept and published again
// (every heartbeat, boot and broker reconnect) until the core's tx_ack, like a kw-mqtt/1 charger
// keeps them; the ended event of a StopTransaction still waiting for its answer goes again every few
// seconds (replay_waiting_stops): a core that failed to store it (its database restarting) stores it
// once it can, and the station, whose transaction messages queue behind the StopTransaction, is
// answered. StartTransaction is answered at once: its transactionId comes from the order's id tag,
// and OCPP allows no error for it. StopTransaction is answered only once the core has stored the
// ended event (tx_ack): a charge point forgets a transaction it got an answer for.
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "v16/station.hpp"

namespace kw::ocpp::v16 {

namespace json = boost::json;

std::string_view kw_stop_reason(std::string_view ocpp_reason) {
    if (ocpp_reason == "Local" || ocpp_reason == "EVDisconnected") return "local";
    if (ocpp_reason == "Remote" || ocpp_reason == "UnlockCommand") return "remote";
    if (ocpp_reason == "HardReset" || ocpp_reason == "SoftReset" || ocpp_reason == "Reboot") return "reboot";
    if (ocpp_reason == "PowerLoss") return "power_loss";
    if (ocpp_reason == "EmergencyStop") return "fault";
    return "other";  // DeAuthorized, Other
}

void Station::start_transaction(const Call& call) {
    const json::object& p = call.payload.as_object();
    const std::int64_t connector = p.at("connectorId").as_int64();
    const std::string_view id_tag = p.at("idTag").as_string();
    const std::int64_t meter_start = p.at("meterStart").as_int64();
    const std::string ts = time_of(p.if_contains("timestamp"), "timestamp");
    const auto order = order_from_tag(id_tag);
    if (!order) return start_with_card(call);
    if (connector < 1) {
        spdlog::warn("event=ocpp_start_refused code={} connector={}", code_, connector);
        return answer(call.id, json::object{{"transactionId", 0}, {"idTagInfo", {{"status", "Invalid"}}}});
    }
    const std::string tx_id = std::to_string(*order);
    remote_starts_.erase(*order);
    // A StartTransaction sent again (its answer was lost) maps to the same transaction; the core
    // applies the started event once.
    transactions_[*order] = Tx{static_cast<int>(connector), meter_start, ts};
    publish_tx(tx_id, 1,
               json::object{{"event", "started"}, {"tx_id", tx_id}, {"seq", 1}, {"connector", connector},
                            {"order_id", *order}, {"meter_wh", meter_start}, {"ts", ts}});
    answer(call.id, json::object{{"transactionId", *order}, {"idTagInfo", {{"status", "Accepted"}}}});
}

void Station::stop_transaction(const Call& call) {
    const json::object& p = call.payload.as_object();
    const std::int64_t tx = p.at("transactionId").as_int64();
    const std::int64_t meter_stop = p.at("meterStop").as_int64();
    const std::string ts = time_of(p.if_contains("timestamp"), "timestamp");
    const std::string_view reason = p.contains("reason") ? std::string_view(p.at("reason").as_string()) : "Local";
    if (tx <= 0) {
        // -1 or 0: a transaction the central system never gave an id (started while offline and
        // refused, or a firmware's placeholder). Nothing to settle; acknowledged so the station
        // stops sending it.
        spdlog::warn("event=ocpp_stop_unknown_tx code={} transaction_id={} meter_stop={}", code_, tx, meter_stop);
        return answer(call.id, json::object{});
    }
    const std::string tx_id = std::to_string(tx);
    auto known = transactions_.find(tx);
    // 0: the connector is not known here (the StartTransaction went through another edge, or this
    // one restarted); the core takes the order's own connector.
    const int connector = known != transactions_.end() ? known->second.connector : 0;
    if (const auto* data = p.if_contains("transactionData")) {
        if (connector > 0)
            for (const auto& mv : data->as_array()) publish_meter(connector, mv.as_object(), tx_id, true);
        else
            spdlog::info("event=ocpp_transaction_data_skipped code={} tx_id={} reason=connector_unknown", code_,
                         tx_id);
    }
    json::object ended{{"event", "ended"}, {"tx_id", tx_id},       {"seq", 2},
                       {"connector", connector}, {"order_id", tx}, {"meter_wh", meter_stop},
                       {"ts", ts},         {"reason", kw_stop_reason(reason)}};
    if (known != transactions_.end()) {
        ended["meter_start_wh"] = known->second.meter_start_wh;
        ended["started_at"] = known->second.started_at;
        transactions_.erase(known);
    }
    ended_orders_.push_back(tx);
    if (ended_orders_.size() > 64) ended_orders_.pop_front();
    publish_tx(tx_id, 2, std::move(ended));
    stops_waiting_[tx_id] =
        Waiting{call.id, io_.now() + settings_.stop_answer_ms, io_.now() + settings_.stop_replay_ms};
}

void Station::replay_waiting_stops(UtcMs now) {
    for (auto& [tx_id, waiting] : stops_waiting_) {
        if (now < waiting.replay_at) continue;
        waiting.replay_at = now + settings_.stop_replay_ms;
        for (const auto& e : tx_store_)
            if (e.tx_id == tx_id && e.seq == 2) {
                spdlog::info("event=ocpp_stop_replayed code={} tx_id={}", code_, tx_id);
                io_.publish("tx", e.payload, 1);
            }
    }
}

void Station::tx_ack(const json::object& cmd) {
    const std::string tx_id(cmd.at("tx_id").as_string());
    const std::int64_t seq = cmd.at("seq").as_int64();
    std::erase_if(tx_store_, [&](const StoredTx& e) { return e.tx_id == tx_id && e.seq == seq; });
    if (seq == 1) return card_start_answered(tx_id, cmd);
    if (seq != 2) return;
    auto waiting = stops_waiting_.find(tx_id);
    if (waiting == stops_waiting_.end()) return;
    answer(waiting->second.message_id, json::object{{"idTagInfo", {{"status", "Accepted"}}}});
    stops_waiting_.erase(waiting);
}

void Station::publish_tx(const std::string& tx_id, int seq, json::object event) {
    mark_queued(event, std::string(event.at("ts").as_string()));
    std::string payload = json::serialize(event);
    std::erase_if(tx_store_, [&](const StoredTx& e) { return e.tx_id == tx_id && e.seq == seq; });
    tx_store_.push_back(StoredTx{tx_id, seq, payload});
    io_.publish("tx", std::move(payload), 1);
}


}  // namespace kw::ocpp::v16
