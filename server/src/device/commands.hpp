#pragma once
// Sends commands to chargers (docs/device-protocol.md, "Commands"). The MQTT implementation
// publishes on kw/v1/<code>/cmd at QoS 1 with MQTT 5 correlation data; an OCPP adapter would
// implement the same interface. Thread-safe; never blocks.
#include <string>

#include <boost/json/object.hpp>

namespace kw::device {

class Commands {
public:
    virtual ~Commands() = default;
    // cmd is the JSON object of the command ("cmd", "corr", ...). corr may be empty.
    virtual void send(const std::string& charger_code, const boost::json::object& cmd) = 0;
};

}  // namespace kw::device
