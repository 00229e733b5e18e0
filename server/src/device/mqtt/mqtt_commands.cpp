#include "device/mqtt/mqtt_commands.hpp"

#include <boost/json.hpp>

#include "device/mqtt/topics.hpp"

namespace kw::device::mqtt {

void MqttCommands::send(const std::string& code, const boost::json::object& cmd) {
    std::string corr;
    if (auto it = cmd.find("corr"); it != cmd.end() && it->value().is_string()) corr = it->value().as_string();
    client_.publish(command_topic(code), boost::json::serialize(cmd), 1, false, corr,
                    corr.empty() ? std::string() : ack_topic(code));
}

}  // namespace kw::device::mqtt
