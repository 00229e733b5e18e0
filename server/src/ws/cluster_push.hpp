#pragma once
// Push for several server instances (server.cluster = true): publish() sends the message through
// Redis PUBLISH on <prefix>push, and every instance's subscriber hands what arrives to its own Hub,
// so a client gets its updates whichever instance handled the charger. publish() runs one short
// Redis command on the calling thread: call it from worker threads only (every caller does).
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "live/redis.hpp"
#include "live/redis_subscriber.hpp"
#include "ws/hub.hpp"
#include "ws/push.hpp"

namespace kw::ws {

class ClusterPush final : public Push {
public:
    ClusterPush(boost::asio::any_io_executor io, live::Redis& redis, const live::RedisConfig& config,
                std::string prefix, Hub& hub);
    ~ClusterPush() override;
    void start();
    void stop();
    void publish(const std::string& channel, const std::string& event, const std::string& data_json) override;
    void publish_all(const std::vector<std::string>& channels, const std::string& event,
                     const std::string& data_json) override;

    // The wire form: channel '\n' event '\n' data. Channels and events never contain '\n'.
    static std::string encode(const std::string& channel, const std::string& event, const std::string& data_json);
    static bool decode(const std::string& text, std::string& channel, std::string& event, std::string& data_json);

private:
    live::Redis& redis_;
    std::string topic_;
    Hub& hub_;
    live::RedisSubscriber subscriber_;
};

}  // namespace kw::ws
