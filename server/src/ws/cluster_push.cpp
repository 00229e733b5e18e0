#include "ws/cluster_push.hpp"

#include <spdlog/spdlog.h>

namespace kw::ws {

ClusterPush::ClusterPush(boost::asio::any_io_executor io, live::Redis& redis, const live::RedisConfig& config,
                         std::string prefix, Hub& hub)
    : redis_(redis), topic_(prefix + "push"), hub_(hub), subscriber_(io, config) {
    subscriber_.on_message([this](const std::string&, const std::string& payload) {
        std::string channel, event, data;
        if (decode(payload, channel, event, data)) hub_.publish(channel, event, data);
    });
    subscriber_.subscribe(topic_);
}

ClusterPush::~ClusterPush() = default;

void ClusterPush::start() { subscriber_.start(); }
void ClusterPush::stop() { subscriber_.stop(); }

void ClusterPush::publish(const std::string& channel, const std::string& event, const std::string& data_json) {
    publish_all({channel}, event, data_json);
}

void ClusterPush::publish_all(const std::vector<std::string>& channels, const std::string& event,
                              const std::string& data_json) {
    if (channels.empty()) return;
    std::vector<std::vector<std::string>> commands;
    for (const auto& channel : channels) commands.push_back({"PUBLISH", topic_, encode(channel, event, data_json)});
    try {
        redis_.pipeline(commands);
    } catch (const std::exception& e) {
        // A push is a notification, never the record: clients re-read state on reconnect.
        spdlog::warn("event=push_failed channel={} error=\"{}\"", channels.front(), e.what());
    }
}

std::string ClusterPush::encode(const std::string& channel, const std::string& event, const std::string& data_json) {
    return channel + '\n' + event + '\n' + data_json;
}

bool ClusterPush::decode(const std::string& text, std::string& channel, std::string& event, std::string& data_json) {
    const auto a = text.find('\n');
    if (a == std::string::npos) return false;
    const auto b = text.find('\n', a + 1);
    if (b == std::string::npos) return false;
    channel = text.substr(0, a);
    event = text.substr(a + 1, b - a - 1);
    data_json = text.substr(b + 1);
    return true;
}

}  // namespace kw::ws
