// BootNotification, Heartbeat, StatusNotification and NotifyEvent of a 2.0.1 station.
//
// Boot: published as kw-mqtt/1 `boot` and answered when the core's boot_result comes (Pending when it
// does not in time; the edge then triggers a new boot). The boot id is the same for every boot of a
// 2.0.1 station: a 2.0.1 station ends its transactions itself and queues their Ended events across a
// reboot, so the core must not close them at the boot (as it does for a 1.6 charge point, whose
// reboot loses them) before the queued Ended arrives with the real meter reading. After an accepted
// boot, each transaction the edge knows to be running is asked about (GetTransactionStatus): one the
// station no longer runs and holds no message of is ended at its last reading (transactions.cpp).
//
// StatusNotification: connectorStatus of EVSE n is the status of Kilowatt connector n. Occupied is
// `preparing` until a TransactionEvent says the EV charges (chargingState, transactions.cpp).
//
// NotifyEvent: a Problem variable (or any event with a techCode) that is true raises a kw-mqtt/1
// `fault` on the EVSE's connector (0 for the station), and its false / cleared event clears it.
#include <algorithm>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "timestamp.hpp"
#include "v201/station.hpp"

namespace kw::ocpp::v201 {

namespace json = boost::json;

namespace {

std::string text(const json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

std::string_view kw_status(std::string_view connector_status) {
    if (connector_status == "Available") return "available";
    if (connector_status == "Occupied") return "preparing";
    if (connector_status == "Faulted") return "faulted";
    return "unavailable";  // Unavailable, Reserved (Kilowatt has no reservations)
}

void Station::boot_notification(const Call& call) {
    const json::object& p = call.payload.as_object();
    const json::object& cs = p.at("chargingStation").as_object();
    if (boot_waiting_)
        answer(boot_waiting_->message_id, json::object{{"status", "Pending"},
                                                       {"currentTime", format_time(io_.now())},
                                                       {"interval", settings_.pending_interval_s}});
    json::object boot{{"vendor", text(cs, "vendorName")},
                      {"model", text(cs, "model")},
                      {"firmware", text(cs, "firmwareVersion")},
                      {"boot_id", "ocpp2.0.1"},
                      {"protocol", "ocpp2.0.1"}};
    if (auto serial = text(cs, "serialNumber"); !serial.empty()) boot["serial"] = serial;
    spdlog::info("event=ocpp_boot code={} reason={}", code_, text(p, "reason"));
    io_.publish("boot", json::serialize(boot), 1);
    boot_waiting_ = Waiting{call.id, io_.now() + settings_.boot_answer_ms};
}

void Station::boot_result(const json::object& cmd) {
    if (!boot_waiting_) return;
    const auto* status = cmd.if_contains("status");
    const bool accepted = status && status->is_string() && status->as_string() == "accepted";
    const auto* interval = cmd.if_contains("heartbeat_s");
    answer(boot_waiting_->message_id,
           json::object{{"status", accepted ? "Accepted" : "Rejected"},
                        {"currentTime", format_time(io_.now())},
                        {"interval", interval && interval->is_int64() ? interval->as_int64() : 30}});
    boot_waiting_.reset();
    boot_trigger_at_ = 0;
    registration_ = accepted ? Registration::accepted : Registration::rejected;
    if (!accepted) return;
    // The operator's meter interval, as 2.0.1 configures it: the sampled interval during a transaction.
    if (const auto* m = cmd.if_contains("meter_interval_s"); m && m->is_int64() && m->as_int64() > 0)
        queue_call(Outgoing{"SetVariables",
                            json::object{{"setVariableData",
                                          json::array{json::object{
                                              {"attributeValue", std::to_string(m->as_int64())},
                                              {"component", {{"name", "SampledDataCtrlr"}}},
                                              {"variable", {{"name", "TxUpdatedInterval"}}}}}}},
                            "", ""});
    ask_transaction_status();
    replay_tx();
}

void Station::ask_transaction_status() {
    for (const auto& [id, tx] : transactions_) {
        if (tx.order == 0 || tx.ended) continue;
        const bool queued = std::any_of(outgoing_.begin(), outgoing_.end(), [&](const Outgoing& o) {
            return o.cmd == "tx_status" && o.corr == id;
        });
        if (queued) continue;
        queue_call(Outgoing{"GetTransactionStatus", json::object{{"transactionId", id}}, id, "tx_status"});
    }
}

bool Station::may_have_waited(bool offline) const {
    constexpr UtcMs kSentOnItsOwnMs = 1000;
    return offline || last_answer_at_ == 0 || io_.now() - last_answer_at_ < kSentOnItsOwnMs;
}

void Station::measure_clock(const std::string& ts) {
    const auto t = parse_timestamp(ts);
    if (!t) return;
    const bool first = !clock_offset_;
    clock_offset_ = *t - io_.now();
    // The first measure of a connection goes to the core at once, so that this event's time and
    // every later one are corrected (found by the fault suite: stations 300 s off were believed).
    if (first) publish_heartbeat();
}

void Station::publish_heartbeat() {
    if (!clock_offset_) return io_.publish("heartbeat", "{}", 0);
    io_.publish("heartbeat", json::serialize(json::object{{"ts", format_time(io_.now() + *clock_offset_)}}), 0);
}

void Station::heartbeat(const Call& call) {
    publish_heartbeat();
    answer(call.id, json::object{{"currentTime", format_time(io_.now())}});
    replay_tx();
}

void Station::publish_status(int connector, std::string_view status, std::string_view ts) {
    auto& last = connector_status_[connector];
    if (last == status) return;
    last = status;
    io_.publish("status",
                json::serialize(json::object{{"connector", connector}, {"status", status}, {"error", ""}, {"ts", ts}}),
                1);
}

void Station::status_notification(const Call& call) {
    const json::object& p = call.payload.as_object();
    const std::int64_t evse = p.at("evseId").as_int64();
    const std::string ts = time_of(p.if_contains("timestamp"), "timestamp");
    if (evse > 0) {
        const int connector = static_cast<int>(evse);
        std::string_view status = kw_status(p.at("connectorStatus").as_string());
        // Occupied while a transaction of the EVSE charges: still charging (or suspended).
        const std::string& last = connector_status_[connector];
        const bool running = std::any_of(transactions_.begin(), transactions_.end(), [&](const auto& entry) {
            return entry.second.connector == connector && !entry.second.ended;
        });
        if (status == "preparing" && running && (last == "charging" || last == "suspended")) status = last;
        publish_status(connector, status, ts);
    }
    answer(call.id, json::object{});
}

void Station::notify_event(const Call& call) {
    const json::object& p = call.payload.as_object();
    for (const auto& item : p.at("eventData").as_array()) {
        const json::object& e = item.as_object();
        const json::object& component = e.at("component").as_object();
        const json::object& variable = e.at("variable").as_object();
        const std::string variable_name = text(variable, "name");
        const std::string actual = text(e, "actualValue");
        const std::string tech_code = text(e, "techCode");
        const bool cleared = e.contains("cleared") && e.at("cleared").as_bool();
        const bool problem = variable_name == "Problem" || variable_name == "Fault" || !tech_code.empty();
        if (!problem) {
            spdlog::info("event=ocpp_event code={} component={} variable={} value=\"{}\"", code_,
                         text(component, "name"), variable_name, actual);
            continue;
        }
        std::int64_t connector = 0;
        if (const auto* evse = component.if_contains("evse")) connector = evse->as_object().at("id").as_int64();
        const bool raised = !cleared && actual != "false" && actual != "0";
        std::string code = text(component, "name") + "/" + variable_name;
        if (!tech_code.empty()) code += ":" + tech_code;
        json::object fault{{"connector", connector},
                           {"code", code.substr(0, 64)},
                           {"severity", "error"},
                           {"cleared", !raised},
                           {"ts", time_of(e.if_contains("timestamp"), "eventData.timestamp")}};
        if (auto info = text(e, "techInfo"); !info.empty()) fault["message"] = info.substr(0, 200);
        io_.publish("fault", json::serialize(fault), 1);
    }
    answer(call.id, json::object{});
}

}  // namespace kw::ocpp::v201
