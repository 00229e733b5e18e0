// TransactionEvent (Started / Updated / Ended) as the core's kw-mqtt/1 tx events and meter samples.
//
// - A transaction is the station's (transactionInfo.transactionId); it is bound to an order by the
//   first of its events that authorises it: remoteStartId or the idToken "KW-O<order>" (the app's
//   RequestStartTransaction), or a card's idToken (the core checks the card and makes the order on its
//   holder's wallet; the event is answered with the card's status when the core has). A transaction
//   started by plugging in (2.0.1 TxStartPoint EVConnected) is bound by its later Authorized event.
// - Bound, it is the kw-mqtt/1 transaction tx_id = the order id: `started` (seq 1) with the
//   reading it was bound at, meter samples from every event's meterValue, `ended` (seq 2) with the
//   last reading. Nothing is published before an energy reading is known: a start reading of 0
//   would bill the whole register.
// - seqNo: each (transactionId, seqNo) is applied once; an event sent again (its answer was lost)
//   is answered again and changes nothing. A seqNo past the next expected one is a gap: logged
//   (event=ocpp_seqno_gap) and raised as a warning alarm (`TxSeqNoGap`); the later events are still
//   applied (holding them for a message the station may never send would leave the session open).
//   seqNo 0, or any value, may start a transaction.
// - `offline: true` events are kw-mqtt/1 `queued`: their times are believed, so the session is
//   back-dated to them. An Ended is answered only when the core has stored it (tx_ack), as a 1.6
//   StopTransaction: the station keeps it queued until then.
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "timestamp.hpp"
#include "v16/station.hpp"
#include "v201/station.hpp"

namespace kw::ocpp::v201 {

namespace json = boost::json;

std::string_view kw_stop_reason(std::string_view r) {
    if (r == "Local" || r == "EVDisconnected" || r == "StoppedByEV" || r == "LocalOutOfCredit" || r == "EVDeparted")
        return "local";
    if (r == "Remote" || r == "DeAuthorized") return "remote";
    if (r == "Reboot" || r == "ImmediateReset") return "reboot";
    if (r == "PowerLoss") return "power_loss";
    if (r == "SOCLimitReached") return "ev_full";
    if (r == "EmergencyStop" || r == "GroundFault" || r == "OvercurrentFault" || r == "OvervoltageFault" ||
        r == "UndervoltageFault" || r == "PowerQuality")
        return "fault";
    return "other";  // EnergyLimitReached, TimeLimitReached, CostLimitReached, MasterPass, Timeout, ...
}

namespace {

// An event the station kept: sent offline, or a minute older than its arrival (as v16's mark_queued:
// the station's clock is set by our answers, so such a time is of an event it kept).
bool kept(bool offline, const std::string& ts, UtcMs now) {
    constexpr UtcMs kQueuedAfterMs = 60'000;
    const auto t = parse_timestamp(ts);
    return offline || (t && *t < now - kQueuedAfterMs);
}

std::string_view charging_status(std::string_view charging_state) {
    if (charging_state == "Charging") return "charging";
    if (charging_state == "SuspendedEV" || charging_state == "SuspendedEVSE") return "suspended";
    if (charging_state == "EVConnected") return "preparing";
    return "";  // Idle: the StatusNotification says
}

}  // namespace

Station::Tx* Station::tx_of_order(std::int64_t order) {
    for (auto& [id, tx] : transactions_)
        if (tx.order == order) return &tx;
    return nullptr;
}

void Station::transaction_event(const Call& call) {
    const json::object& p = call.payload.as_object();
    const std::string_view type = p.at("eventType").as_string();
    const json::object& info = p.at("transactionInfo").as_object();
    const std::string id(info.at("transactionId").as_string());
    const std::int64_t seq = p.at("seqNo").as_int64();
    const bool offline = p.contains("offline") && p.at("offline").as_bool();
    const std::string ts = time_of(p.if_contains("timestamp"), "timestamp");
    const bool waited = may_have_waited(offline);  // before our answer to this one
    if (!waited) measure_clock(ts);
    const json::object* token = p.contains("idToken") ? &p.at("idToken").as_object() : nullptr;
    const bool known = transactions_.contains(id);
    Tx& tx = transactions_[id];
    if (!known && type != "Started" && seq > 0) {
        // A transaction this edge has not seen begin: it restarted (or the station moved to it from
        // another edge) and lost what bound it to its order. The core knows the order by the name it
        // was given ("T-<id>"): readings and the Ended go on under it.
        tx.kw_tx_id = "T-" + id;
        tx.last_seq = seq - 1;
        spdlog::info("event=ocpp_tx_resumed code={} transaction={} seq={}", code_, id, seq);
    }
    if (const auto* evse = p.if_contains("evse")) tx.connector = static_cast<int>(evse->as_object().at("id").as_int64());

    if (tx.seen.contains(seq)) {
        // The same event again (its answer was lost): answered again, applied once.
        spdlog::info("event=ocpp_tx_duplicate code={} transaction={} seq={}", code_, id, seq);
        if (tx.answer) {
            tx.answer->message_id = call.id;  // still waiting for the core: this one gets the answer
            return;
        }
        return answer_event(call.id, tx, token != nullptr);
    }
    if (tx.last_seq >= 0 && seq > tx.last_seq + 1) {
        spdlog::warn("event=ocpp_seqno_gap code={} transaction={} expected={} got={}", code_, id, tx.last_seq + 1, seq);
        io_.publish("fault",
                    json::serialize(json::object{
                        {"connector", tx.connector},
                        {"code", "TxSeqNoGap"},
                        {"severity", "warning"},
                        {"cleared", false},
                        {"message", "transaction " + id + ": seqNo " + std::to_string(tx.last_seq + 1) + " to " +
                                        std::to_string(seq - 1) + " missing"},
                        {"ts", ts}}),
                    1);
    }
    tx.seen.insert(seq);
    tx.last_seq = std::max(tx.last_seq, seq);
    if (tx.connector < 1 && type != "Ended") {  // an Ended with connector 0: the core takes the order's
        spdlog::warn("event=ocpp_tx_without_evse code={} transaction={}", code_, id);
        return answer(call.id, json::object{});
    }

    // The readings first: the binding takes the latest as the start reading.
    const json::array* readings = p.contains("meterValue") ? &p.at("meterValue").as_array() : nullptr;
    if (readings)
        for (const auto& mv : *readings)
            if (auto r = reading_of(mv.as_object())) tx.last_wh = r->energy_wh;
    if (tx.order == 0 && tx.id_token.empty() && !tx.ended) {
        std::optional<std::int64_t> order;
        if (const auto* remote = info.if_contains("remoteStartId"); remote && remote->as_int64() > 0)
            order = remote->as_int64();
        else if (token)
            order = order_from_tag(token->at("idToken").as_string());
        if (order) {
            tx.order = *order;
            remote_starts_.erase(*order);
        } else if (token && token->at("type").as_string() != "NoAuthorization") {
            tx.id_token = token->at("idToken").as_string();
        }
    }
    const bool was_started = !tx.kw_tx_id.empty();
    if (!was_started && !tx.refused && (tx.order > 0 || !tx.id_token.empty()) && tx.last_wh)
        bind(tx, id, p, ts, offline);
    if (!tx.kw_tx_id.empty() && readings)
        for (const auto& mv : *readings)
            publish_meter(tx.connector, mv.as_object(), tx.kw_tx_id, waited || type == "Ended");
    if (const auto* state = info.if_contains("chargingState"))
        if (auto status = charging_status(state->as_string()); !status.empty() && type != "Ended")
            publish_status(tx.connector, status, ts);

    if (type == "Ended") return end(tx, id, p, ts, offline, call.id);  // may erase tx
    // A card start waits for the core's order; everything else is answered at once.
    if (!tx.id_token.empty() && tx.order == 0 && !tx.kw_tx_id.empty()) {
        tx.answer = Waiting{call.id, io_.now() + settings_.card_start_answer_ms};
        return;
    }
    answer_event(call.id, tx, token != nullptr);
}

// The transaction is authorised and a reading is known: kw-mqtt/1 `started`.
void Station::bind(Tx& tx, const std::string& id, const json::object& event, const std::string& ts, bool offline) {
    (void)event;
    tx.meter_start_wh = *tx.last_wh;
    tx.started_at = ts;
    json::object started{{"event", "started"}, {"seq", 1}, {"connector", tx.connector},
                         {"meter_wh", tx.meter_start_wh}, {"ts", ts}};
    tx.kw_tx_id = "T-" + id;
    if (tx.order > 0) {
        started["order_id"] = tx.order;
    } else {
        // A card: the core makes the order (its tx_ack names it) and keeps the transaction's name.
        started["id_tag"] = tx.id_token;
        started["keep_tx_id"] = true;
        card_starts_[tx.kw_tx_id] = id;
    }
    started["tx_id"] = tx.kw_tx_id;
    if (kept(offline, ts, io_.now())) started["queued"] = true;
    spdlog::info("event=ocpp_tx_bound code={} transaction={} order={} card={}", code_, id, tx.order, !tx.id_token.empty());
    publish_tx(tx.kw_tx_id, 1, std::move(started));
}

void Station::end(Tx& tx, const std::string& id, const json::object& event, const std::string& ts, bool offline,
                  const std::string& message_id) {
    const json::object& info = event.at("transactionInfo").as_object();
    const std::string_view reason =
        info.contains("stoppedReason") ? std::string_view(info.at("stoppedReason").as_string()) : "Local";
    if (tx.order == 0 && !tx.id_token.empty() && !tx.kw_tx_id.empty()) {
        // A card start the core has not answered yet: the Ended is refused for now and comes again,
        // once the order it must settle exists (the station keeps it queued).
        spdlog::info("event=ocpp_ended_before_card_start code={} transaction={}", code_, id);
        tx.seen.erase(event.at("seqNo").as_int64());
        return answer_error(message_id, ErrorKind::internal, "the transaction's start is not stored yet, send it again");
    }
    tx.ended = true;
    if (tx.order > 0) {
        ended_orders_.push_back(tx.order);
        if (ended_orders_.size() > 64) ended_orders_.pop_front();
    }
    if (tx.kw_tx_id.empty() || !tx.last_wh) {
        // Never authorised, never read, or a card the core refused: nothing billed.
        spdlog::warn("event=ocpp_tx_ended_unbilled code={} transaction={} order={} reading={}", code_, id, tx.order,
                     tx.last_wh.has_value());
        publish_status(tx.connector, "finishing", ts);
        answer_event(message_id, tx, event.contains("idToken"));
        transactions_.erase(id);
        return;
    }
    json::object ended{{"event", "ended"}, {"tx_id", tx.kw_tx_id},        {"seq", 2},
                       {"connector", std::max(tx.connector, 0)}, {"meter_wh", *tx.last_wh},
                       {"ts", ts},         {"reason", kw_stop_reason(reason)}};
    // What this edge saw of the start; a resumed transaction has none of it: the core finds the
    // order by the transaction's name and takes the start it recorded.
    if (tx.order > 0) ended["order_id"] = tx.order;
    if (tx.meter_start_wh >= 0) {
        ended["meter_start_wh"] = tx.meter_start_wh;
        ended["started_at"] = tx.started_at;
    }
    if (kept(offline, ts, io_.now())) ended["queued"] = true;
    tx.end_token = event.contains("idToken");
    publish_status(tx.connector, "finishing", ts);
    publish_tx(tx.kw_tx_id, 2, std::move(ended));
    tx.answer = Waiting{message_id, io_.now() + settings_.ended_answer_ms, io_.now() + settings_.ended_replay_ms};
}

void Station::answer_event(const std::string& message_id, const Tx& tx, bool with_token, std::string_view status) {
    json::object result;
    if (with_token) {
        // An order's own token is accepted; a card's is as the core said.
        if (status.empty()) status = tx.order > 0 ? "Accepted" : tx.id_token.empty() ? "Unknown" : "Invalid";
        result["idTokenInfo"] = json::object{{"status", status}};
    }
    answer(message_id, result);
}

void Station::tx_ack(const json::object& cmd) {
    const std::string tx_id(cmd.at("tx_id").as_string());
    const std::int64_t seq = cmd.at("seq").as_int64();
    std::erase_if(tx_store_, [&](const StoredTx& e) { return e.tx_id == tx_id && e.seq == seq; });
    if (seq == 1) {
        auto card = card_starts_.find(tx_id);
        if (card == card_starts_.end()) return;
        Tx& tx = transactions_[card->second];
        card_starts_.erase(card);
        const std::int64_t order = cmd.contains("order_id") ? cmd.at("order_id").as_int64() : 0;
        const std::string_view status = cmd.contains("card_status")
                                            ? std::string_view(cmd.at("card_status").as_string())
                                            : std::string_view("invalid");
        spdlog::info("event=ocpp_card_start code={} order={} status={}", code_, order, status);
        if (order > 0) {
            tx.order = order;
            tx.id_token.clear();
        } else {
            tx.kw_tx_id.clear();  // refused: nothing of it is billed; the station stops it on Invalid
            tx.refused = true;
        }
        const std::string_view shown = order > 0 || status != "accepted" ? status : "invalid";
        if (tx.answer) {
            answer_event(tx.answer->message_id, tx, true, v16::ocpp_id_tag_status(shown));
            tx.answer.reset();
        }
        return;
    }
    if (seq != 2) return;
    for (auto& [id, tx] : transactions_)
        if (tx.kw_tx_id == tx_id && tx.ended) {
            if (tx.answer) answer_event(tx.answer->message_id, tx, tx.end_token);
            transactions_.erase(id);
            return;
        }
}

void Station::tx_deadlines(UtcMs now) {
    for (auto& [id, tx] : transactions_) {
        if (!tx.answer) continue;
        if (tx.ended && now >= tx.answer->replay_at) {
            tx.answer->replay_at = now + settings_.ended_replay_ms;
            for (const auto& e : tx_store_)
                if (e.tx_id == tx.kw_tx_id && e.seq == 2) io_.publish("tx", e.payload, 1);
        }
        if (now < tx.answer->deadline) continue;
        if (tx.ended) {
            // Not stored by the core yet: an error keeps the Ended in the station's queue.
            spdlog::warn("event=ocpp_ended_not_stored code={} transaction={}", code_, id);
            answer_error(tx.answer->message_id, ErrorKind::internal, "not stored yet, send it again");
        } else {
            spdlog::warn("event=ocpp_card_start_core_timeout code={} transaction={}", code_, id);
        }
        tx.answer.reset();
    }
}

void Station::publish_tx(const std::string& tx_id, int seq, json::object event) {
    std::string payload = json::serialize(event);
    std::erase_if(tx_store_, [&](const StoredTx& e) { return e.tx_id == tx_id && e.seq == seq; });
    tx_store_.push_back(StoredTx{tx_id, seq, payload});
    io_.publish("tx", std::move(payload), 1);
}

void Station::replay_tx() {
    for (const auto& e : tx_store_) io_.publish("tx", e.payload, 1);
}

}  // namespace kw::ocpp::v201
