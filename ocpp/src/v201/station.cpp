// The 2.0.1 station's frame and command dispatch, the outgoing CALL queue and the deadlines. The
// messages themselves are in one file each (boot.cpp, transactions.cpp, ...).
#include "v201/station.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <mutex>
#include <spdlog/spdlog.h>

#include "schemas.hpp"
#include "timestamp.hpp"

namespace kw::ocpp::v201 {

namespace json = boost::json;

// A 2.0.1 station names its transactions itself and sends their remoteStartId / idToken once: when
// its connection drops mid-session, its next connection (which asks GetTransactionStatus, E14) must
// still know what binds them to orders, the card starts waiting for the core and the tx events the
// core has not acknowledged. So they are kept per station code for the edge's life (a closed
// connection's Station does nothing more; connections may run on any I/O thread: the map has a mutex).
struct StationStore {
    std::mutex mutex;
    std::map<std::string, std::shared_ptr<Station::Kept>> by_code;

    std::shared_ptr<Station::Kept> of(const std::string& code) {
        std::lock_guard lock(mutex);
        auto& kept = by_code[code];
        if (!kept) kept = std::make_shared<Station::Kept>();
        return kept;
    }
};

std::shared_ptr<StationStore> new_station_store() { return std::make_shared<StationStore>(); }

Station::Station(std::string code, Io& io, Settings settings)
    : code_(std::move(code)),
      io_(io),
      settings_(settings),
      kept_(settings_.store->of(code_)),
      transactions_(kept_->transactions),
      card_starts_(kept_->card_starts),
      tx_store_(kept_->tx_store) {
    std::lock_guard lock(kept_->mutex);
    if (transactions_.empty()) return;
    // An event still waiting for the core came on the old connection: the station sends it again
    // (same seqNo), and that one gets the answer.
    for (auto& [id, tx] : transactions_)
        if (tx.answer) tx.answer->message_id.clear();
    spdlog::info("event=ocpp_transactions_resumed code={} transactions={}", code_, transactions_.size());
}

void Station::on_frame(std::string_view text) {
    std::lock_guard lock(kept_->mutex);
    log_.add(true, text, io_.now());
    auto parsed = parse_frame(text);
    if (auto* bad = std::get_if<BadFrame>(&parsed)) {
        spdlog::warn("event=ocpp_bad_frame code={} error=\"{}\"", code_, bad->message);
        if (!bad->id.empty()) answer_error(bad->id, bad->kind, bad->message);
        return;
    }
    auto& frame = std::get<Frame>(parsed);
    if (auto* call = std::get_if<Call>(&frame)) {
        if (auto violation = Schemas::of(Version::v201).check_request(call->action, call->payload)) {
            spdlog::info("event=ocpp_call_refused code={} action={} error=\"{}\"", code_, call->action,
                         violation->message);
            answer_error(call->id, violation->kind, violation->message);
            return;
        }
        if (!boot_accepted_call(*call)) return;
        try {
            dispatch(*call);
        } catch (const std::exception& e) {
            // A payload the schema allows but this edge cannot read (a number out of range).
            spdlog::warn("event=ocpp_call_failed code={} action={} error=\"{}\"", code_, call->action, e.what());
            answer_error(call->id, ErrorKind::property, e.what());
        }
    } else if (auto* result = std::get_if<CallResult>(&frame)) {
        on_call_result(*result);
    } else {
        on_call_error(std::get<CallError>(frame));
    }
}

// OCPP 2.0.1 B02/B03: until its boot is Accepted, a station may send only BootNotification; any
// other CALL is refused with SecurityError. (The core knows the station from its broker login, so
// a station that connected but has not booted yet since the edge started is let through once its
// first boot is answered; a station the core rejected stays refused until it boots again.)
bool Station::boot_accepted_call(const Call& call) {
    if (call.action == "BootNotification") return true;
    if (registration_ == Registration::pending || registration_ == Registration::rejected) {
        spdlog::info("event=ocpp_call_before_boot code={} action={}", code_, call.action);
        answer_error(call.id, ErrorKind::security, "the station's boot is not accepted");
        return false;
    }
    return true;
}

void Station::dispatch(const Call& call) {
    const std::string& a = call.action;
    if (a == "BootNotification") return boot_notification(call);
    if (a == "Heartbeat") return heartbeat(call);
    if (a == "StatusNotification") return status_notification(call);
    if (a == "MeterValues") return meter_values(call);
    if (a == "TransactionEvent") return transaction_event(call);
    if (a == "Authorize") return authorize(call);
    if (a == "NotifyEvent") return notify_event(call);
    if (a == "NotifyReport") return notify_report(call);
    if (a == "DataTransfer") {
        spdlog::info("event=ocpp_data_transfer code={} vendor={}", code_,
                     json::serialize(call.payload.as_object().at("vendorId")));
        return answer(call.id, json::object{{"status", "UnknownVendorId"}});
    }
    if (a == "SecurityEventNotification") {
        const json::object& p = call.payload.as_object();
        spdlog::warn("event=ocpp_security_event code={} type={} info={}", code_, json::serialize(p.at("type")),
                     p.contains("techInfo") ? json::serialize(p.at("techInfo")) : "\"\"");
        return answer(call.id, json::object{});
    }
    if (a == "FirmwareStatusNotification" || a == "LogStatusNotification" || a == "NotifyChargingLimit" ||
        a == "NotifyCustomerInformation" || a == "NotifyMonitoringReport" || a == "NotifyDisplayMessages" ||
        a == "PublishFirmwareStatusNotification" || a == "ReservationStatusUpdate" || a == "ClearedChargingLimit" ||
        a == "NotifyEVChargingNeeds" || a == "NotifyEVChargingSchedule" || a == "ReportChargingProfiles") {
        spdlog::info("event=ocpp_notification code={} action={} payload={}", code_, a,
                     json::serialize(call.payload).substr(0, 500));
        // NotifyEVChargingNeeds must say whether a schedule follows: none from Kilowatt.
        if (a == "NotifyEVChargingNeeds") return answer(call.id, json::object{{"status", "Rejected"}});
        if (a == "NotifyEVChargingSchedule") return answer(call.id, json::object{{"status", "Rejected"}});
        return answer(call.id, json::object{});
    }
    answer_error(call.id, ErrorKind::not_supported, a + " is not supported by Kilowatt");
}

void Station::on_command(std::string_view payload) {
    std::lock_guard lock(kept_->mutex);
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
    std::lock_guard lock(kept_->mutex);
    const UtcMs now = io_.now();
    log_.flush(io_);
    if (boot_waiting_ && now >= boot_waiting_->deadline) {
        spdlog::warn("event=ocpp_boot_pending code={} reason=core_timeout", code_);
        answer(boot_waiting_->message_id, json::object{{"status", "Pending"},
                                                       {"currentTime", format_time(now)},
                                                       {"interval", settings_.pending_interval_s}});
        boot_waiting_.reset();
        registration_ = Registration::pending;
        boot_trigger_at_ = now + settings_.boot_retrigger_ms;
    }
    if (boot_trigger_at_ && now >= boot_trigger_at_ && registration_ == Registration::pending && !boot_waiting_) {
        // B02: a station left Pending is asked to boot again, rather than waiting out its interval.
        boot_trigger_at_ = now + settings_.boot_retrigger_ms;
        queue_call(Outgoing{"TriggerMessage", json::object{{"requestedMessage", "BootNotification"}}, "", ""});
    }
    tx_deadlines(now);
    for (auto it = reports_.begin(); it != reports_.end();) {
        if (now < it->second.deadline) {
            ++it;
            continue;
        }
        spdlog::warn("event=ocpp_report_timeout code={} request_id={}", code_, it->first);
        ack(it->second.corr, "get_configuration", false, "report_incomplete");
        it = reports_.erase(it);
    }
    for (auto it = authorizes_waiting_.begin(); it != authorizes_waiting_.end();) {
        if (now < it->second.deadline) {
            ++it;
            continue;
        }
        // The core did not answer in time: Accepted only for a token it accepted in the last day.
        constexpr UtcMs kAcceptedTagCacheMs = 24 * 3600 * 1000;
        const std::string& tag = authorize_tags_[it->first];
        auto cached = accepted_tags_.find(tag);
        const bool known = cached != accepted_tags_.end() && now - cached->second < kAcceptedTagCacheMs;
        spdlog::warn("event=ocpp_authorize_core_timeout code={} cached={}", code_, known);
        answer(it->second.message_id, json::object{{"idTokenInfo", {{"status", known ? "Accepted" : "Unknown"}}}});
        authorize_tags_.erase(it->first);
        it = authorizes_waiting_.erase(it);
    }
    if (in_flight_id_ && now >= in_flight_deadline_) {
        spdlog::warn("event=ocpp_call_timeout code={} action={}", code_, outgoing_.front().action);
        finish_outgoing(std::nullopt, "no_answer");
    }
}

void Station::on_connected() {
    std::lock_guard lock(kept_->mutex);
    publish_heartbeat();
    ask_transaction_status();  // transactions left by the last connection
}

void Station::on_broker_connected() {
    std::lock_guard lock(kept_->mutex);
    replay_tx();
}

void Station::send(std::string frame) {
    log_.add(false, frame, io_.now());
    io_.send_frame(std::move(frame));
}

// An empty message id: the CALL came on an earlier connection, whose answer is lost (see Kept).
void Station::answer(std::string_view message_id, const json::value& payload) {
    if (message_id.empty()) return;
    last_answer_at_ = io_.now();
    send(format_result(message_id, payload));
}

void Station::answer_error(std::string_view message_id, ErrorKind kind, std::string_view description) {
    if (message_id.empty()) return;
    last_answer_at_ = io_.now();
    send(format_error(message_id, kind, Version::v201, description));
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
    if (auto violation = Schemas::of(Version::v201).check_response(action, result.payload)) {
        spdlog::warn("event=ocpp_bad_result code={} action={} error=\"{}\"", code_, action, violation->message);
        finish_outgoing(std::nullopt, "bad_answer");
        return;
    }
    finish_outgoing(result.payload.as_object());
}

void Station::on_call_error(const CallError& error) {
    if (!in_flight_id_ || error.id != *in_flight_id_) {
        spdlog::info("event=ocpp_unexpected_error code={} id={}", code_, error.id);
        return;
    }
    spdlog::warn("event=ocpp_call_error code={} action={} error={} description=\"{}\"", code_,
                 outgoing_.front().action, error.code, error.description);
    finish_outgoing(std::nullopt, error.code);
}

std::string Station::time_of(const json::value* timestamp, std::string_view what) {
    return station_time(timestamp, what, io_.now(), code_);
}

}  // namespace kw::ocpp::v201
