// RFID cards: Authorize asks the core (kw-mqtt/1 `authorize`, answered `authorize_result`), and a
// StartTransaction with a card (any id tag but Kilowatt's order tags) becomes a `started` event
// without order, with the card's id tag: the core creates the order on the card holder's wallet and
// its tx_ack names the order, which is the transactionId the station is given (docs/ocpp.md).
// The started event's tx_id is made of what the station sent (connector, time, meter), so a
// StartTransaction sent again, even through another edge, names the same event and gets the same
// order. If the core has not answered in time, Authorize is Accepted only for a tag the core accepted
// in the last 24 hours, and a StartTransaction is left unanswered (OCPP allows no error for it): the
// station sends it again.
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "timestamp.hpp"
#include "v16/station.hpp"

namespace kw::ocpp::v16 {

namespace json = boost::json;

namespace {

constexpr UtcMs kAcceptedTagCacheMs = 24 * 3600 * 1000;

}  // namespace

std::string_view ocpp_id_tag_status(std::string_view kw_status) {
    if (kw_status == "accepted") return "Accepted";
    if (kw_status == "blocked") return "Blocked";
    if (kw_status == "expired") return "Expired";
    if (kw_status == "concurrent_tx") return "ConcurrentTx";
    return "Invalid";
}

void Station::authorize(const Call& call) {
    const std::string id_tag(call.payload.as_object().at("idTag").as_string());
    // Kilowatt's own order tags (a station with AuthorizeRemoteTxRequests asks about them).
    if (order_from_tag(id_tag)) return answer(call.id, json::object{{"idTagInfo", {{"status", "Accepted"}}}});
    const std::string corr = "a" + std::to_string(next_id_++);
    authorizes_waiting_[corr] = Waiting{call.id, io_.now() + settings_.authorize_answer_ms};
    authorize_tags_[corr] = id_tag;
    io_.publish("authorize", json::serialize(json::object{{"corr", corr}, {"id_tag", id_tag}}), 1);
}

void Station::authorize_result(const json::object& cmd) {
    const std::string corr(cmd.at("corr").as_string());
    auto waiting = authorizes_waiting_.find(corr);
    if (waiting == authorizes_waiting_.end()) return;  // answered already (timed out)
    const std::string_view status = cmd.at("status").as_string();
    json::object info{{"status", ocpp_id_tag_status(status)}};
    if (const auto* expires = cmd.if_contains("expires_at"); expires && expires->is_string())
        info["expiryDate"] = *expires;
    if (const auto* group = cmd.if_contains("group"); group && group->is_string()) info["parentIdTag"] = *group;
    if (status == "accepted") accepted_tags_[authorize_tags_[corr]] = io_.now();
    answer(waiting->second.message_id, json::object{{"idTagInfo", info}});
    authorizes_waiting_.erase(waiting);
    authorize_tags_.erase(corr);
}

void Station::start_with_card(const Call& call) {
    const json::object& p = call.payload.as_object();
    const std::int64_t connector = p.at("connectorId").as_int64();
    const std::int64_t meter_start = p.at("meterStart").as_int64();
    const std::string ts = time_of(p.if_contains("timestamp"), "timestamp");
    if (connector < 1) {
        spdlog::warn("event=ocpp_start_refused code={} connector={}", code_, connector);
        return answer(call.id, json::object{{"transactionId", 0}, {"idTagInfo", {{"status", "Invalid"}}}});
    }
    const std::string tx_id =
        "C" + std::to_string(connector) + "-" + std::to_string(parse_timestamp(ts).value_or(0)) + "-" +
        std::to_string(meter_start);
    if (!card_starts_.contains(tx_id))
        publish_tx(tx_id, 1,
                   json::object{{"event", "started"}, {"tx_id", tx_id}, {"seq", 1}, {"connector", connector},
                                {"id_tag", p.at("idTag")}, {"meter_wh", meter_start}, {"ts", ts}});
    // A StartTransaction sent again while the first waits: the newer one gets the answer.
    card_starts_[tx_id] = CardStart{call.id, io_.now() + settings_.card_start_answer_ms,
                                    Tx{static_cast<int>(connector), meter_start, ts}};
}

// The core's tx_ack of a card start: the order (0: none) and the card's status.
void Station::card_start_answered(const std::string& tx_id, const json::object& cmd) {
    auto waiting = card_starts_.find(tx_id);
    if (waiting == card_starts_.end()) return;
    const std::int64_t order = cmd.contains("order_id") ? cmd.at("order_id").as_int64() : 0;
    const std::string_view status = cmd.contains("card_status") ? std::string_view(cmd.at("card_status").as_string())
                                                                : std::string_view("invalid");
    if (order > 0) transactions_[order] = waiting->second.tx;
    spdlog::info("event=ocpp_card_start code={} order={} status={}", code_, order, status);
    const std::string_view shown = order > 0 || status != "accepted" ? status : "invalid";  // no order: not accepted
    answer(waiting->second.message_id,
           json::object{{"transactionId", order}, {"idTagInfo", {{"status", ocpp_id_tag_status(shown)}}}});
    card_starts_.erase(waiting);
}

void Station::card_deadlines(UtcMs now) {
    for (auto it = authorizes_waiting_.begin(); it != authorizes_waiting_.end();) {
        if (now < it->second.deadline) {
            ++it;
            continue;
        }
        const std::string& tag = authorize_tags_[it->first];
        auto cached = accepted_tags_.find(tag);
        const bool known = cached != accepted_tags_.end() && now - cached->second < kAcceptedTagCacheMs;
        spdlog::warn("event=ocpp_authorize_core_timeout code={} cached={}", code_, known);
        answer(it->second.message_id, json::object{{"idTagInfo", {{"status", known ? "Accepted" : "Invalid"}}}});
        authorize_tags_.erase(it->first);
        it = authorizes_waiting_.erase(it);
    }
    for (auto it = card_starts_.begin(); it != card_starts_.end();) {
        if (now < it->second.deadline) {
            ++it;
            continue;
        }
        // Unanswered: the station sends it again (the started event stays queued until tx_ack).
        spdlog::warn("event=ocpp_card_start_core_timeout code={} tx_id={}", code_, it->first);
        it = card_starts_.erase(it);
    }
}

}  // namespace kw::ocpp::v16
