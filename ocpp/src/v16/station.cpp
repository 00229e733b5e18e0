// The station's frame and command dispatch, the outgoing CALL queue and the deadlines. The messages
// themselves are in one file each (boot_notification.cpp, transactions.cpp, ...).
#include "v16/station.hpp"

#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "schemas.hpp"
#include "timestamp.hpp"

namespace kw::ocpp::v16 {

namespace json = boost::json;

Station::Station(std::string code, Io& io, Settings settings)
    : code_(std::move(code)), io_(io), settings_(settings) {}

void Station::on_frame(std::string_view text) {
    log_.add(true, text, io_.now());
    auto parsed = parse_frame(text);
    if (auto* bad = std::get_if<BadFrame>(&parsed)) {
        spdlog::warn("event=ocpp_bad_frame code={} error=\"{}\"", code_, bad->message);
        // A frame whose message id could not be read cannot be answered (OCPP-J 4.2.3).
        if (!bad->id.empty()) answer_error(bad->id, bad->kind, bad->message);
        return;
    }
    auto& frame = std::get<Frame>(parsed);
    if (auto* call = std::get_if<Call>(&frame)) {
        if (auto violation = Schemas::of(Version::v16).check_request(call->action, call->payload)) {
            spdlog::info("event=ocpp_call_refused code={} action={} error=\"{}\"", code_, call->action,
                         violation->message);
            answer_error(call->id, violation->kind, violation->message);
            return;
        }
        dispatch(*call);
    } else if (auto* result = std::get_if<CallResult>(&frame)) {
        on_call_result(*result);
    } else {
        on_call_error(std::get<CallError>(frame));
    }
}

void Station::dispatch(const Call& call) {
    const std::string& a = call.action;
    if (a == "BootNotification") return boot_notification(call);
    if (a == "Heartbeat") return heartbeat(call);
    if (a == "StatusNotification") return status_notification(call);
    if (a == "MeterValues") return meter_values(call);
    if (a == "StartTransaction") return start_transaction(call);
    if (a == "StopTransaction") return stop_transaction(call);
    if (a == "Authorize") return authorize(call);
    if (a == "DataTransfer") return data_transfer(call);
    if (a == "DiagnosticsStatusNotification" || a == "FirmwareStatusNotification") {
        spdlog::info("event=ocpp_notification code={} action={} payload={}", code_, a, json::serialize(call.payload));
        return answer(call.id, json::object{});
    }
    // An action of the schema set that a charge point does not send (a central system's action).
    answer_error(call.id, ErrorKind::not_supported, a + " is not an action a charge point sends");
}

void Station::data_transfer(const Call& call) {
    // No vendor extension is implemented: the answer OCPP 1.6 gives for an unknown vendorId.
    spdlog::info("event=ocpp_data_transfer code={} vendor={}", code_,
                 json::serialize(call.payload.as_object().at("vendorId")));
    answer(call.id, json::object{{"status", "UnknownVendorId"}});
}

void Station::on_command(std::string_view payload) {
    const auto parsed = parse_command(payload, code_);
    if (!parsed) return;
    const json::object& cmd = *parsed;
    const std::string_view name = cmd.at("cmd").as_string();
    try {
        if (name == "boot_result") return boot_result(cmd);
        if (name == "start") return remote_start(cmd);
        if (name == "stop") return remote_stop(cmd);
        if (name == "tx_ack") return tx_ack(cmd);
        if (name == "authorize_result") return authorize_result(cmd);
        if (is_operator_command(name)) return operator_command(name, cmd);
        spdlog::info("event=ocpp_command_unsupported code={} cmd={}", code_, name);
    } catch (const std::exception& e) {
        spdlog::warn("event=ocpp_bad_command code={} cmd={} error=\"{}\"", code_, name, e.what());
    }
}

void Station::on_tick() {
    const UtcMs now = io_.now();
    log_.flush(io_);
    if (boot_waiting_ && now >= boot_waiting_->deadline) {
        // The core did not answer in time: Pending lets the station boot again later (OCPP 1.6 4.2).
        spdlog::warn("event=ocpp_boot_pending code={} reason=core_timeout", code_);
        answer(boot_waiting_->message_id, json::object{{"status", "Pending"},
                                                       {"currentTime", format_time(now)},
                                                       {"interval", settings_.pending_interval_s}});
        boot_waiting_.reset();
    }
    for (auto it = stops_waiting_.begin(); it != stops_waiting_.end();) {
        if (now < it->second.deadline) {
            ++it;
            continue;
        }
        // Not stored by the core yet: an error makes the station keep the StopTransaction and send
        // it again (TransactionMessageAttempts); answering would make it forget a bill.
        spdlog::warn("event=ocpp_stop_not_stored code={} tx_id={}", code_, it->first);
        answer_error(it->second.message_id, ErrorKind::internal, "not stored yet, send it again");
        it = stops_waiting_.erase(it);
    }
    replay_waiting_stops(now);
    card_deadlines(now);
    if (in_flight_id_ && now >= in_flight_deadline_) {
        spdlog::warn("event=ocpp_call_timeout code={} action={}", code_, outgoing_.front().action);
        finish_outgoing(std::nullopt);
    }
}

void Station::on_broker_connected() { replay_tx(); }

void Station::replay_tx() {
    for (const auto& e : tx_store_) io_.publish("tx", e.payload, 1);
}

void Station::send(std::string frame) {
    log_.add(false, frame, io_.now());
    io_.send_frame(std::move(frame));
}

void Station::answer(std::string_view message_id, const json::value& payload) {
    last_answer_at_ = io_.now();
    send(format_result(message_id, payload));
}

void Station::answer_error(std::string_view message_id, ErrorKind kind, std::string_view description) {
    last_answer_at_ = io_.now();
    send(format_error(message_id, kind, Version::v16, description));
}

void Station::queue_call(Outgoing call) {
    outgoing_.push_back(std::move(call));
    if (!in_flight_id_) send_next_call();
}

void Station::send_next_call() {
    if (outgoing_.empty()) return;
    in_flight_id_ = std::to_string(next_id_++);
    in_flight_deadline_ = io_.now() + settings_.call_timeout_ms;
    send(format_call(*in_flight_id_, outgoing_.front().action, outgoing_.front().payload));
}

void Station::on_call_result(const CallResult& result) {
    if (!in_flight_id_ || result.id != *in_flight_id_) {
        spdlog::info("event=ocpp_unexpected_result code={} id={}", code_, result.id);
        return;
    }
    const std::string action = outgoing_.front().action;
    if (auto violation = Schemas::of(Version::v16).check_response(action, result.payload)) {
        spdlog::warn("event=ocpp_bad_result code={} action={} error=\"{}\"", code_, action, violation->message);
        finish_outgoing(std::nullopt);
        return;
    }
    finish_outgoing(interpret_answer(action, result.payload.as_object()));
}

void Station::on_call_error(const CallError& error) {
    if (!in_flight_id_ || error.id != *in_flight_id_) {
        spdlog::info("event=ocpp_unexpected_error code={} id={}", code_, error.id);
        return;
    }
    spdlog::warn("event=ocpp_call_error code={} action={} error={} description=\"{}\"", code_,
                 outgoing_.front().action, error.code, error.description);
    const std::string& cmd = outgoing_.front().cmd;
    // The core repeats a start or a stop that got no answer; an operator's command learns why it failed.
    finish_outgoing(cmd == "start" || cmd == "stop" ? std::nullopt : std::optional(error_answer(error.code)));
}

// Our CALL was answered, or will not be: tell the core, then send the next one.
void Station::finish_outgoing(std::optional<Answer> answer) {
    Outgoing done = std::move(outgoing_.front());
    outgoing_.pop_front();
    in_flight_id_.reset();
    if (done.cmd == "start" && !(answer && answer->accepted)) {
        if (auto order = order_from_tag(done.payload.at("idTag").as_string())) remote_starts_.erase(*order);
    }
    if (done.cmd.empty() && !(answer && answer->accepted))
        spdlog::warn("event=ocpp_call_not_accepted code={} action={} reason={}", code_, done.action,
                     answer ? answer->reason : "no_answer");
    if (!done.cmd.empty()) {
        if (answer)
            ack(done.corr, done.cmd, answer->accepted, answer->reason, answer->result);
        else if (done.cmd != "start" && done.cmd != "stop")
            // The core repeats a start or a stop itself; an operator's command is answered once.
            ack(done.corr, done.cmd, false, "no_answer");
    }
    send_next_call();
}

void Station::on_connected() { publish_heartbeat(); }

void Station::mark_queued(json::object& message, const std::string& ts) {
    constexpr UtcMs kQueuedAfterMs = 60'000;
    if (auto t = parse_timestamp(ts); t && *t < io_.now() - kQueuedAfterMs) message["queued"] = true;
}

std::string Station::time_of(const json::value* timestamp, std::string_view what) {
    return station_time(timestamp, what, io_.now(), code_);
}

}  // namespace kw::ocpp::v16
