#pragma once
// What the edge runs for one connected charge point, whatever its OCPP version: the station machine
// (v16::Station, v201::Station) behind one interface, the connection it talks through (Io), and the
// per-order id tag both versions give the app's remote starts. Sans I/O; one strand per station.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kw::ocpp {

using UtcMs = std::int64_t;  // milliseconds since the Unix epoch, UTC

// What the station asks of its connection.
class Io {
  public:
    virtual ~Io() = default;
    virtual void send_frame(std::string text) = 0;  // a text frame to the charge point
    // kw/v1/<code>/<kind> on the broker, as the charger.
    virtual void publish(std::string_view kind, std::string payload, int qos) = 0;
    virtual UtcMs now() = 0;
    virtual std::string new_boot_id() = 0;
};

// One charge point as the core sees it: its OCPP CALLs become kw-mqtt/1 messages and the core's
// kw-mqtt/1 commands become CALLs to it (docs/ocpp.md has the mapping of each version).
class ChargePoint {
  public:
    virtual ~ChargePoint() = default;
    // A text frame from the charge point.
    virtual void on_frame(std::string_view text) = 0;
    // The payload of kw/v1/<code>/cmd from the core.
    virtual void on_command(std::string_view payload) = 0;
    // Called about once a second: deadlines.
    virtual void on_tick() = 0;
    // The WebSocket is open: the station is online for the core from now.
    virtual void on_connected() = 0;
    // The MQTT link to the broker is (again) up: unacknowledged tx events go again.
    virtual void on_broker_connected() = 0;
};

// The per-order id tag Kilowatt gives a remote start ("KW-O42"): the edge finds the order again
// from the tag alone, so a transaction reaching another edge instance is still mapped.
std::string order_tag(std::int64_t order_id);
std::optional<std::int64_t> order_from_tag(std::string_view id_tag);

}  // namespace kw::ocpp
