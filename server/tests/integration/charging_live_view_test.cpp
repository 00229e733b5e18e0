// The order detail's "live" figures (service/running_view.hpp): a single instance answers them from
// what it wrote with the latest accepted reading, without a Redis round trip; after a restart, and
// always with server.cluster, it reads the running state in Redis. Each test tells the two sources
// apart by changing the cost estimate in Redis behind the server's back: only a read of Redis can
// show the changed figure.
#include <gtest/gtest.h>

#include "charging_resilience_helpers.hpp"
#include "metrics_text.hpp"
#include "redis_client.hpp"

namespace kw::test {
namespace {

using namespace resilience;
using namespace std::chrono_literals;

constexpr long long kStartWh = 40000;
constexpr long long kTampered = 987654;  // a cost no reading here can produce

long long fee(long long wh) { return fee_fen(wh, kElectricity) + fee_fen(wh, kService); }

void tamper_estimate(Stack& stack, long long order_id) {
    auto redis = redis_of(stack);
    const std::string key = "kw:order:" + std::to_string(order_id);
    ASSERT_EQ(redis.command({"EXISTS", key}).integer, 1);
    redis.command({"HSET", key, "est_fen", std::to_string(kTampered)});
}

void meter(TestCharger& charger, const std::string& tx_id, long long register_wh, long long power_w) {
    charger.publish_json("meter", {{"connector", 1}, {"tx_id", tx_id}, {"ts", format_utc(SystemClock().now())},
                                   {"energy_wh", register_wh}, {"power_w", power_w}, {"soc", 40}});
}

json::object live_of(Net& n, long long order_id) {
    const json::value o = n.stack.http().get("/api/v1/orders/" + std::to_string(order_id), n.driver).json();
    return o.as_object().contains("live") ? o.at("live").as_object() : json::object{};
}

// Waits until the detail shows `energy_wh` of session energy; the live figures then.
json::object wait_live_energy(Net& n, long long order_id, long long energy_wh) {
    json::object live;
    eventually([&] {
        live = live_of(n, order_id);
        return live.contains("energy_wh") && live.at("energy_wh").as_int64() == energy_wh;
    }, 10s);
    return live;
}

struct Charging {
    // A 200 kW DC connector: each reading below stays within what it can deliver between two readings.
    explicit Charging(Stack& s, const std::string& code) : stack(s), net(setup(s, code, 50000, "DC", 200000)) {
        device = std::make_unique<TestCharger>(stack.broker().port(), net.charger.code, net.charger.password);
        device->boot();
        EXPECT_TRUE(stack.wait_online(net.charger.code));
        order_id = start_charging(net, *device, "T-1", kStartWh);
    }
    Stack& stack;
    Net net;
    std::unique_ptr<TestCharger> device;
    long long order_id = 0;
};

TEST(LiveView, SingleInstanceShowsEachAcceptedReadingFromMemoryNotFromRedis) {
    Stack stack({.server_flags = {"--server.metrics_token=" + kMetricsToken}});
    Charging c(stack, "LV-ONE");
    ASSERT_NE(c.order_id, 0);
    meter(*c.device, "T-1", kStartWh + 300, 3600);
    json::object live = wait_live_energy(c.net, c.order_id, 300);
    EXPECT_EQ(live.at("cost_fen").as_int64(), fee(300));
    EXPECT_EQ(live.at("power_w").as_int64(), 3600);
    EXPECT_EQ(live.at("soc").as_int64(), 40);
    EXPECT_EQ(sample_sum(scrape(stack), "kw_running_view_entries"), 1);

    tamper_estimate(stack, c.order_id);
    EXPECT_EQ(live_of(c.net, c.order_id).at("cost_fen").as_int64(), fee(300)) << "the detail read Redis";

    meter(*c.device, "T-1", kStartWh + 700, 3500);
    live = wait_live_energy(c.net, c.order_id, 700);
    EXPECT_EQ(live.at("cost_fen").as_int64(), fee(700));
    EXPECT_EQ(live.at("power_w").as_int64(), 3500);

    // A reading going backwards is refused: it changes nothing the detail shows.
    meter(*c.device, "T-1", kStartWh + 100, 9000);
    ASSERT_TRUE(eventually([&] { return stack.server_log().find("event=mqtt_rejected charger=LV-ONE") !=
                                        std::string::npos; }, 10s));
    live = live_of(c.net, c.order_id);
    EXPECT_EQ(live.at("energy_wh").as_int64(), 700);
    EXPECT_EQ(live.at("power_w").as_int64(), 3500);

    // The session ends: the instance forgets it.
    c.device->publish_json("tx", {{"event", "ended"}, {"tx_id", "T-1"}, {"seq", 2}, {"connector", 1},
                                  {"order_id", c.order_id}, {"meter_wh", kStartWh + 700},
                                  {"ts", format_utc(SystemClock().now())}, {"reason", "local"}});
    const json::object settled = stack.wait_order(c.net.driver, c.order_id, [](const json::object& o) {
        return is(o, "settled");
    });
    EXPECT_FALSE(settled.contains("live"));
    EXPECT_EQ(sample_sum(scrape(stack), "kw_running_view_entries"), 0);
}

TEST(LiveView, AfterARestartTheDetailReadsRedisUntilTheNextReading) {
    Stack stack;
    Charging c(stack, "LV-RESTART");
    ASSERT_NE(c.order_id, 0);
    meter(*c.device, "T-1", kStartWh + 400, 3000);
    wait_live_energy(c.net, c.order_id, 400);

    ASSERT_EQ(stack.stop_server(), 0);
    stack.start_server();
    // The restarted instance keeps nothing yet: it shows the running state in Redis, as it is there.
    EXPECT_EQ(live_of(c.net, c.order_id).at("energy_wh").as_int64(), 400);
    tamper_estimate(stack, c.order_id);
    EXPECT_EQ(live_of(c.net, c.order_id).at("cost_fen").as_int64(), kTampered);

    // Its next accepted reading is kept in memory again (and overwrites the estimate in Redis).
    meter(*c.device, "T-1", kStartWh + 900, 3000);
    EXPECT_EQ(wait_live_energy(c.net, c.order_id, 900).at("cost_fen").as_int64(), fee(900));
    tamper_estimate(stack, c.order_id);
    EXPECT_EQ(live_of(c.net, c.order_id).at("cost_fen").as_int64(), fee(900));
}

TEST(LiveView, WithClusterEveryDetailReadsRedis) {
    Stack stack({.server_flags = {"--server.cluster=true", "--server.metrics_token=" + kMetricsToken}});
    Charging c(stack, "LV-CLUSTER");
    ASSERT_NE(c.order_id, 0);
    meter(*c.device, "T-1", kStartWh + 500, 3000);
    EXPECT_EQ(wait_live_energy(c.net, c.order_id, 500).at("cost_fen").as_int64(), fee(500));

    tamper_estimate(stack, c.order_id);
    EXPECT_EQ(live_of(c.net, c.order_id).at("cost_fen").as_int64(), kTampered);
    EXPECT_EQ(sample_sum(scrape(stack), "kw_running_view_entries"), 0);
}

}  // namespace
}  // namespace kw::test
