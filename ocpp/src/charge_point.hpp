#pragma once
// What the edge runs for one connected charge point, whatever its OCPP version: the station machine
// (v16::Station, v201::Station) behind one interface, the connection it talks through (Io), and what
// both versions do alike: the per-order id tag of the app's remote starts, the message log, reading
// the core's commands, totalling a MeterValue into a kw-mqtt/1 reading. Sans I/O; one strand per station.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// The message log of one station (kw-mqtt/1 `log`, published from on_tick about once a second): the
// frames of both directions, each cut at 1,000 characters; of a burst, the newest 100.
class FrameLog {
  public:
    void add(bool from_station, std::string_view frame, UtcMs now);
    void flush(Io& io);  // what was added since the last flush, if anything

  private:
    boost::json::array entries_;
};

// A timestamp of a station's message as the edge passes it on (format_time): its own, unless it is
// absent or unreadable (logged event=ocpp_bad_timestamp) or from before the clock was ever set
// (kClockNeverSetBefore, logged event=ocpp_clock_not_set): then `now`, the time it was received.
std::string station_time(const boost::json::value* timestamp, std::string_view what, UtcMs now,
                         const std::string& code);

// A command of the core (the payload of kw/v1/<code>/cmd): its object, or nullopt (logged) when it
// is not JSON naming a `cmd`.
std::optional<boost::json::object> parse_command(std::string_view payload, const std::string& code);
// The operator's commands (service/charger_commands.hpp in the core), which both versions carry out.
bool is_operator_command(std::string_view name);

// One MeterValue as a kw-mqtt/1 `meter` sample.
struct Reading {
    std::int64_t energy_wh = 0;
    std::optional<std::int64_t> power_w;
    std::optional<double> voltage_v, current_a;
    std::optional<int> soc;
};
// The sampled values of one MeterValue, added one by one as each version reads them, totalled into a
// Reading. Measurands read: Energy.Active.Import.Register (Wh or kWh), Power.Active.Import (W or kW),
// Current.Import (A), Voltage (V), SoC (%); values at the EV end of the cable other than SoC are
// skipped. A value per phase counts only when no total is given: energy and power summed over the
// phases, current the highest phase, voltage the mean (line-to-line values and the neutral skipped).
class MeterTotals {
  public:
    void add(std::string_view measurand, std::string_view location, std::string_view phase, std::string_view unit,
             double value);
    // nullopt: no energy register (or a negative one): kw-mqtt/1 bills from the register.
    std::optional<Reading> reading() const;

  private:
    struct Measure {
        std::optional<double> total;
        std::vector<double> phases;
    };
    Measure energy_, power_, current_, voltage_, soc_;
};
// The kw-mqtt/1 `meter` message of a reading at `ts` (tx_id empty: none).
boost::json::object meter_message(std::int64_t connector, const std::string& ts, const Reading& r,
                                  const std::string& tx_id);

}  // namespace kw::ocpp
