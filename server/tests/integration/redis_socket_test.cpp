// Redis on its Unix socket (redis.socket): the servers are given a TCP port nothing listens on, so
// only the socket can serve them. Login sessions (kept in Redis), a charger's online state and
// connector status (Redis live state), and in a cluster the pub/sub subscriber of the cache
// invalidations (hiredis's async client) all work over it.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "network_support.hpp"
#include "redis_client.hpp"
#include "stack.hpp"

namespace kw::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

TEST(RedisSocket, ServersReachingRedisOnlyOnItsUnixSocketKeepSessionsLiveStateAndClusterSubscriptions) {
    StackOptions options;
    options.redis_socket = true;
    options.server_flags = {"--server.cluster=true"};
    Stack stack(options);

    // A login session lives in Redis: a driver's token works on the next request.
    const std::string driver = stack.driver_token("13812349876");
    KW_EXPECT_STATUS(stack.http().get("/api/v1/me", driver), 200);

    // A charger's online state and its connector's status are Redis live state.
    const long long tariff = stack.create_tariff(json::parse(
        R"({"prices":{"flat":{"electricity":10000,"service":5000}},"periods":[["00:00","24:00","flat"]]})"));
    const long long station = stack.create_station(tariff);
    const auto charger = stack.create_charger(station, "SOCK-1");
    ASSERT_TRUE(bring_online(stack.broker().port(), charger.code, charger.password, 1));
    EXPECT_TRUE(stack.wait_online(charger.code));
    auto redis = redis_of(stack);  // the test's own client, over TCP: the same Redis
    EXPECT_TRUE(eventually([&] {
        return redis.command({"HGET", "kw:conn:SOCK-1:1", "status"}).str == "available";
    }));

    // The cluster's subscriber (cache invalidations) connected over the socket too.
    EXPECT_TRUE(eventually([&] {
        return stack.server_log().find("event=cache_invalidations subscribed=true") != std::string::npos;
    }, 20s)) << stack.server_log();
    EXPECT_EQ(stack.server_log().find("event=redis_io_error"), std::string::npos);
}

}  // namespace
}  // namespace kw::test
