#pragma once
// device::Commands over MQTT: formats each typed command as kw-mqtt/1 JSON and publishes it on
// kw/v1/<code>/cmd at QoS 1; a command that expects an ack also carries its correlation id in
// "corr", in the MQTT 5 Correlation Data property, and names kw/v1/<code>/ack as Response Topic.
#include <optional>

#include <boost/json/object.hpp>

#include "device/commands.hpp"
#include "device/mqtt/client.hpp"

namespace kw::device::mqtt {

// The kw-mqtt/1 JSON of a command; nullopt for the commands kw-mqtt/1 does not have (reset,
// unlock, change availability, get/set configuration, trigger message).
std::optional<boost::json::object> format_command(const Command& command);

class MqttCommands final : public Commands {
public:
    explicit MqttCommands(kw::mqtt::MqttClient& client) : client_(client) {}
    Delivery send(const std::string& charger_code, const Command& command) override;

private:
    kw::mqtt::MqttClient& client_;
};

}  // namespace kw::device::mqtt
