// BootNotification: published as kw-mqtt/1 `boot` with a boot id per WebSocket connection: a
// BootNotification is sent after each (re)boot (OCPP 1.6 4.2), and a reboot always comes on a new
// connection, while one we triggered (TriggerMessage) or a repeat after Pending comes on the same one
// and must not close the station's sessions as a reboot would. Answered when the core's boot_result
// comes, Pending if it does not come in time. Heartbeat: published, answered at once with the edge's time.
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "timestamp.hpp"
#include "v16/station.hpp"

namespace kw::ocpp::v16 {

namespace json = boost::json;

void Station::boot_notification(const Call& call) {
    const json::object& p = call.payload.as_object();
    auto text = [&](const char* key) -> std::string {
        const auto* v = p.if_contains(key);
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    if (boot_waiting_) {
        // A second boot before the core answered the first: only the newer one gets the answer.
        answer(boot_waiting_->message_id, json::object{{"status", "Pending"},
                                                       {"currentTime", format_time(io_.now())},
                                                       {"interval", settings_.pending_interval_s}});
    }
    json::object boot{{"vendor", text("chargePointVendor")},
                      {"model", text("chargePointModel")},
                      {"firmware", text("firmwareVersion")},
                      {"boot_id", boot_id_.empty() ? (boot_id_ = io_.new_boot_id()) : boot_id_},
                      {"protocol", "ocpp1.6"}};
    if (auto serial = text("chargePointSerialNumber"); !serial.empty()) boot["serial"] = serial;
    io_.publish("boot", json::serialize(boot), 1);
    boot_waiting_ = Waiting{call.id, io_.now() + settings_.boot_answer_ms};
}

void Station::boot_result(const json::object& cmd) {
    if (!boot_waiting_) return;  // a repeat, or the boot was answered Pending meanwhile
    const auto* status = cmd.if_contains("status");
    const bool accepted = status && status->is_string() && status->as_string() == "accepted";
    const auto* interval = cmd.if_contains("heartbeat_s");
    json::object conf{{"status", accepted ? "Accepted" : "Rejected"},
                      {"currentTime", format_time(io_.now())},
                      {"interval", interval && interval->is_int64() ? interval->as_int64() : 30}};
    answer(boot_waiting_->message_id, conf);
    boot_waiting_.reset();
    // The operator's meter interval, as OCPP configures it (issue 11: set at boot).
    if (const auto* m = cmd.if_contains("meter_interval_s"); accepted && m && m->is_int64() && m->as_int64() > 0)
        queue_call(Outgoing{"ChangeConfiguration",
                            json::object{{"key", "MeterValueSampleInterval"}, {"value", std::to_string(m->as_int64())}},
                            "", ""});
    // A new power-up: what the previous one left unacknowledged goes again (the core applies it once).
    replay_tx();
}

void Station::heartbeat(const Call& call) {
    publish_heartbeat();
    answer(call.id, json::object{{"currentTime", format_time(io_.now())}});
    replay_tx();  // as a kw-mqtt/1 charger does: unacknowledged tx events go again
}

// A Heartbeat carries no time of the station's, and the edge's own clock would hide a station's
// wrong clock from the core: the ts is the station's clock as its latest live meter reading showed
// it (our time plus its offset then), none before the first reading (e.g. right after a reconnect).
void Station::publish_heartbeat() {
    if (!clock_offset_) return io_.publish("heartbeat", "{}", 0);
    io_.publish("heartbeat", json::serialize(json::object{{"ts", format_time(io_.now() + *clock_offset_)}}), 0);
}

}  // namespace kw::ocpp::v16
