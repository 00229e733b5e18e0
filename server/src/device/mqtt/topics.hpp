#pragma once
// The one table of MQTT topics (docs/device-protocol.md): kw/v1/<code>/<kind>. Charger->server kinds
// are dispatched to one handler file each (boot.cpp, heartbeat.cpp, ...); server->charger commands go
// to kw/v1/<code>/cmd.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "app/context.hpp"
#include "device/events.hpp"

namespace kw::device::mqtt {

inline constexpr std::string_view kRoot = "kw/v1/";
inline constexpr std::size_t kMaxPayload = 4096;
// An `ack` may carry a result as long as a charger's whole configuration (OCPP GetConfiguration),
// and a `log` a second of an OCPP station's frames.
inline constexpr std::size_t kMaxLargePayload = 64 * 1024;
// The largest payload accepted on kw/v1/<code>/<kind>: kMaxLargePayload for ack and log, else kMaxPayload.
std::size_t max_payload(std::string_view kind);

std::string command_topic(const std::string& code);
std::string ack_topic(const std::string& code);
// Where the OCPP edges hear that a charge point they hold for approval was approved (docs/ocpp.md).
std::string approval_topic(const std::string& code);

struct TopicParts {
    std::string code;
    std::string kind;
};
// kw/v1/<code>/<kind> with a valid code; nullopt for anything else.
std::optional<TopicParts> parse_topic(std::string_view topic);

// The server's subscriptions: "$share/<group>/kw/v1/+/<kind>" for every kind it handles.
std::vector<std::string> server_subscriptions(const std::string& share_group);

// received_at: when the server received the message (the inbox stamps it before it queues it), so a
// message that waited in the queue still measures the charger's clock right.
using Handler = void (*)(app::Context& ctx, const std::string& code, const boost::json::object& payload,
                         UtcMs received_at);
// nullptr for kinds the server does not handle (including cmd, which only chargers read).
Handler handler_for(std::string_view kind);

// One handler per message kind, each in its own file.
void handle_boot(app::Context&, const std::string& code, const boost::json::object&, UtcMs received_at);
void handle_heartbeat(app::Context&, const std::string& code, const boost::json::object&, UtcMs received_at);
void handle_status(app::Context&, const std::string& code, const boost::json::object&, UtcMs received_at);
void handle_meter(app::Context&, const std::string& code, const boost::json::object&, UtcMs received_at);
void handle_tx(app::Context&, const std::string& code, const boost::json::object&, UtcMs received_at);
void handle_ack(app::Context&, const std::string& code, const boost::json::object&, UtcMs received_at);
void handle_fault(app::Context&, const std::string& code, const boost::json::object&, UtcMs received_at);
void handle_authorize(app::Context&, const std::string& code, const boost::json::object&, UtcMs received_at);
void handle_log(app::Context&, const std::string& code, const boost::json::object&, UtcMs received_at);
void handle_pending(app::Context&, const std::string& code, const boost::json::object&, UtcMs received_at);
void handle_state(app::Context&, const std::string& code, const boost::json::object&, UtcMs received_at);
// handle_meter without applying: the sample (throws kw::Error(bad_request) for a bad payload), for
// the inbox to apply many at once (service::apply_meter_samples).
device::MeterSample parse_meter(app::Context&, const std::string& code, const boost::json::object& payload,
                                UtcMs received_at);

}  // namespace kw::device::mqtt
