#include "test_charger.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <thread>

#include "device/mqtt/client.hpp"

namespace kw::test {

struct TestCharger::Impl {
    boost::asio::io_context io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
    std::unique_ptr<mqtt::MqttClient> client;
    std::thread thread;
    mutable std::mutex mutex;
    std::vector<boost::json::object> commands;
};

TestCharger::TestCharger(int broker_port, const std::string& code, const std::string& password, bool with_will)
    : impl_(std::make_unique<Impl>()), code_(code) {
    mqtt::Options o;
    o.port = broker_port;
    o.client_id = code;
    o.username = code;
    o.password = password;
    if (with_will) {
        o.will_topic = "kw/v1/" + code + "/state";
        o.will_payload = R"({"online":false,"reason":"connection_lost"})";
    }
    impl_->client = std::make_unique<mqtt::MqttClient>(impl_->io.get_executor(), o);
    impl_->client->on_message([this](const mqtt::Message& m) {
        boost::system::error_code ec;
        auto v = boost::json::parse(m.payload, ec);
        if (ec || !v.is_object()) return;
        std::lock_guard lock(impl_->mutex);
        impl_->commands.push_back(v.as_object());
    });
    impl_->client->subscribe("kw/v1/" + code + "/cmd", 1);
    impl_->client->start();
    impl_->thread = std::thread([this] { impl_->io.run(); });
    eventually([&] { return connected(); }, std::chrono::seconds(10));
}

TestCharger::~TestCharger() {
    boost::asio::post(impl_->io, [this] { impl_->client->stop(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    impl_->guard.reset();
    impl_->io.stop();
    impl_->thread.join();
}

bool TestCharger::connected() const { return impl_->client->connected(); }

void TestCharger::publish(const std::string& kind, const std::string& payload, int qos) {
    publish_topic("kw/v1/" + code_ + "/" + kind, payload, qos);
}

void TestCharger::publish_topic(const std::string& topic, const std::string& payload, int qos) {
    impl_->client->publish(topic, payload, qos);
}

void TestCharger::boot(const std::string& boot_id) {
    publish_json("boot", {{"vendor", "TestVendor"}, {"model", "T1"}, {"firmware", "0.1"}, {"boot_id", boot_id},
                          {"kind", "AC"}, {"rated_w", 7000}, {"connectors", 1}});
    publish_json("heartbeat", {});
    publish_json("status", {{"connector", 1}, {"status", "available"}});
}

std::vector<boost::json::object> TestCharger::commands() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->commands;
}

std::optional<boost::json::object> TestCharger::wait_command(const std::string& name, std::chrono::milliseconds timeout) {
    std::optional<boost::json::object> found;
    eventually(
        [&] {
            for (const auto& c : commands())
                if (c.contains("cmd") && c.at("cmd") == name.c_str()) found = c;
            return found.has_value();
        },
        timeout);
    return found;
}

void TestCharger::kill() {
    boost::asio::post(impl_->io, [this] { impl_->client->kill(); });
}

}  // namespace kw::test
