#pragma once
// device::Commands over MQTT: kw/v1/<code>/cmd at QoS 1; with MQTT 5 the command's "corr" also goes
// in the Correlation Data property and the Response Topic names kw/v1/<code>/ack.
#include "device/commands.hpp"
#include "device/mqtt/client.hpp"

namespace kw::device::mqtt {

class MqttCommands final : public Commands {
public:
    explicit MqttCommands(kw::mqtt::MqttClient& client) : client_(client) {}
    void send(const std::string& charger_code, const boost::json::object& cmd) override;

private:
    kw::mqtt::MqttClient& client_;
};

}  // namespace kw::device::mqtt
