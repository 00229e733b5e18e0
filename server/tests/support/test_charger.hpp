#pragma once
// A charger played by the test itself over real MQTT, for cases the simulator would never produce on
// its own (a lost start event, silence without a will, malformed payloads, another charger's topic).
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "stack.hpp"

namespace kw::test {

class TestCharger {
public:
    TestCharger(int broker_port, const std::string& code, const std::string& password, bool with_will = true);
    ~TestCharger();
    bool connected() const;
    void publish(const std::string& kind, const std::string& payload, int qos = 1);  // kw/v1/<code>/<kind>
    void publish_topic(const std::string& topic, const std::string& payload, int qos = 1);
    void publish_json(const std::string& kind, const boost::json::object& payload) {
        publish(kind, boost::json::serialize(payload));
    }
    void boot(const std::string& boot_id = "boot-1");
    // Commands received on kw/v1/<code>/cmd so far.
    std::vector<boost::json::object> commands() const;
    // Waits for a command with "cmd" == name (and returns the latest such).
    std::optional<boost::json::object> wait_command(const std::string& name, std::chrono::milliseconds timeout =
                                                                                  std::chrono::seconds(10));
    void kill();  // drop TCP without DISCONNECT

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::string code_;
};

}  // namespace kw::test
