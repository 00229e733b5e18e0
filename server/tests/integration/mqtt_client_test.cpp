// MqttClient against a real Mosquitto (dynamic security on, no anonymous access).
#include <dirent.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "io_thread.hpp"
#include "device/mqtt/client.hpp"
#include "services.hpp"

namespace kw::mqtt {
namespace {

using namespace std::chrono_literals;
using kw::test::eventually;
using kw::test::Mosquitto;

using kw::test::IoThread;

// Messages received by a client, readable from the test thread.
class Inbox {
  public:
    void add(const Message& m) {
        std::lock_guard lock(mutex_);
        messages_.push_back(m);
    }
    std::size_t size() {
        std::lock_guard lock(mutex_);
        return messages_.size();
    }
    std::vector<Message> all() {
        std::lock_guard lock(mutex_);
        return messages_;
    }
    std::size_t count_topic(const std::string& topic) {
        std::lock_guard lock(mutex_);
        return std::count_if(messages_.begin(), messages_.end(),
                             [&](const Message& m) { return m.topic == topic; });
    }
    std::size_t count_payload_prefix(const std::string& prefix) {
        std::lock_guard lock(mutex_);
        return std::count_if(messages_.begin(), messages_.end(),
                             [&](const Message& m) { return m.payload.rfind(prefix, 0) == 0; });
    }

  private:
    std::mutex mutex_;
    std::vector<Message> messages_;
};

class MqttClientTest : public ::testing::Test {
  protected:
    void SetUp() override { broker_.create_client("kw", "kw-secret", Mosquitto::all_topics()); }

    Options options(const std::string& client_id, int protocol = 5) {
        Options o;
        o.host = "127.0.0.1";
        o.port = broker_.port();
        o.client_id = client_id;
        o.username = "kw";
        o.password = "kw-secret";
        o.protocol_version = protocol;
        o.reconnect_min_ms = 50;
        o.reconnect_max_ms = 500;
        return o;
    }

    // A started client that records what it receives and how often it connected.
    struct Probe {
        std::unique_ptr<MqttClient> client;
        std::shared_ptr<Inbox> inbox = std::make_shared<Inbox>();
        std::shared_ptr<std::atomic<int>> connects = std::make_shared<std::atomic<int>>(0);
    };
    Probe make(Options o, const std::vector<std::string>& subscriptions = {}) {
        Probe p;
        p.client = std::make_unique<MqttClient>(io_.executor(), std::move(o));
        p.client->on_message([inbox = p.inbox](const Message& m) { inbox->add(m); });
        p.client->on_connected([connects = p.connects] { ++*connects; });
        for (const auto& s : subscriptions) p.client->subscribe(s, 1);
        p.client->start();
        return p;
    }

    // A subscriber to `root`/#, and a publisher whose in-flight window holds `inflight` messages,
    // once the subscription is in place.
    struct Pair {
        Probe sub, pub;
    };
    Pair subscribed_pair(const std::string& root, int inflight) {
        Pair p{make(options("sub"), {root + "/#"}), {}};
        Options po = options("pub");
        po.max_inflight = inflight;
        p.pub = make(po);
        EXPECT_TRUE(wait_subscribed(*p.pub.client, *p.sub.inbox, root + "/probe"));
        return p;
    }
    // Whether `inbox` received at least `n` messages on `topic` within 30 s.
    static ::testing::AssertionResult received(Inbox& inbox, const std::string& topic, int n) {
        if (eventually([&] { return inbox.count_topic(topic) >= static_cast<std::size_t>(n); }, 30s))
            return ::testing::AssertionSuccess();
        return ::testing::AssertionFailure() << "received " << inbox.count_topic(topic) << " of " << n;
    }

    // Subscriptions complete asynchronously: publish QoS 0 probes until `sub` has one on `topic`.
    static bool wait_subscribed(MqttClient& pub, Inbox& inbox, const std::string& topic) {
        return eventually(
            [&] {
                pub.publish(topic, "probe", 0);
                return inbox.count_topic(topic) > 0;
            },
            10s, 100ms);
    }

    Mosquitto broker_;
    IoThread io_;
};

class MqttRoundTrip : public MqttClientTest, public ::testing::WithParamInterface<int> {};

TEST_P(MqttRoundTrip, Qos1PublishReachesSubscriber) {
    auto sub = make(options("sub", GetParam()), {"kw/test/#"});
    auto pub = make(options("pub", GetParam()));
    ASSERT_TRUE(eventually([&] { return sub.client->connected() && pub.client->connected(); }));
    ASSERT_TRUE(wait_subscribed(*pub.client, *sub.inbox, "kw/test/probe"));

    pub.client->publish("kw/test/a", std::string("hello \x01\x00 world", 14), 1);
    ASSERT_TRUE(eventually([&] { return sub.inbox->count_topic("kw/test/a") == 1; }));
    auto all = sub.inbox->all();
    auto it = std::find_if(all.begin(), all.end(), [](const Message& m) { return m.topic == "kw/test/a"; });
    EXPECT_EQ(it->payload, std::string("hello \x01\x00 world", 14));
    EXPECT_EQ(it->qos, 1);
    EXPECT_FALSE(it->retain);
    EXPECT_TRUE(eventually([&] { return pub.client->pending() == 0; }));
}

INSTANTIATE_TEST_SUITE_P(Protocols, MqttRoundTrip, ::testing::Values(5, 4),
                         [](const auto& info) { return info.param == 5 ? "Mqtt5" : "Mqtt311"; });

TEST_F(MqttClientTest, CorrelationDataAndResponseTopicRoundTripOnMqtt5) {
    auto sub = make(options("sub"), {"kw/v1/+/cmd"});
    auto pub = make(options("pub"));
    ASSERT_TRUE(wait_subscribed(*pub.client, *sub.inbox, "kw/v1/probe/cmd"));

    std::string correlation(
        "\x00\xff"
        "corr-42",
        9);
    pub.client->publish("kw/v1/CP1/cmd", "{\"op\":\"start\"}", 1, false, correlation, "kw/v1/CP1/cmd/resp");
    ASSERT_TRUE(eventually([&] { return sub.inbox->count_topic("kw/v1/CP1/cmd") == 1; }));
    for (const auto& m : sub.inbox->all()) {
        if (m.topic != "kw/v1/CP1/cmd") continue;
        EXPECT_EQ(m.correlation_data, correlation);
        EXPECT_EQ(m.response_topic, "kw/v1/CP1/cmd/resp");
        EXPECT_EQ(m.payload, "{\"op\":\"start\"}");
    }
}

TEST_F(MqttClientTest, ReconnectsAndResubscribesAfterBrokerRestart) {
    auto sub = make(options("sub"), {"kw/restart/#"});
    auto pub = make(options("pub"));
    ASSERT_TRUE(wait_subscribed(*pub.client, *sub.inbox, "kw/restart/before"));
    ASSERT_EQ(*sub.connects, 1);

    broker_.restart();  // no persistence: the broker forgets every subscription
    ASSERT_TRUE(eventually([&] { return *sub.connects >= 2 && *pub.connects >= 2; }, 15s));
    EXPECT_TRUE(wait_subscribed(*pub.client, *sub.inbox, "kw/restart/after"));
}

TEST_F(MqttClientTest, KillFiresTheWillButStopDoesNot) {
    auto watcher = make(options("watcher"), {"kw/will/#"});
    auto pub = make(options("pub"));
    ASSERT_TRUE(wait_subscribed(*pub.client, *watcher.inbox, "kw/will/probe"));

    auto with_will = [&](const std::string& id) {
        Options o = options(id);
        o.will_topic = "kw/will/" + id;
        o.will_payload = id + " is gone";
        return o;
    };
    auto graceful = make(with_will("graceful"));
    auto dead = make(with_will("dead"));
    ASSERT_TRUE(eventually([&] { return graceful.client->connected() && dead.client->connected(); }));

    graceful.client->stop();
    ASSERT_TRUE(eventually([&] { return !graceful.client->connected(); }));
    dead.client->kill();
    ASSERT_TRUE(eventually([&] { return watcher.inbox->count_topic("kw/will/dead") == 1; }));
    // Anything the broker published for the graceful client would have arrived by now; make sure with a
    // marker that travels the same path after both disconnects.
    ASSERT_TRUE(wait_subscribed(*pub.client, *watcher.inbox, "kw/will/marker"));
    EXPECT_EQ(watcher.inbox->count_topic("kw/will/graceful"), 0u);
    for (const auto& m : watcher.inbox->all()) {
        if (m.topic == "kw/will/dead") {
            EXPECT_EQ(m.payload, "dead is gone");
        }
    }
    // Neither comes back by itself.
    EXPECT_EQ(*graceful.connects, 1);
    EXPECT_EQ(*dead.connects, 1);
    EXPECT_FALSE(dead.client->connected());
}

TEST_F(MqttClientTest, SharedSubscriptionDeliversEachMessageToExactlyOneSubscriber) {
    const std::string shared = "$share/kilowatt/kw/v1/+/boot";
    auto a = make(options("worker-a"), {shared});
    auto b = make(options("worker-b"), {shared});
    auto pub = make(options("pub"));
    // Both members must be in the group before counting: probe until each has seen one.
    ASSERT_TRUE(eventually(
        [&] {
            pub.client->publish("kw/v1/probe/boot", "probe", 0);
            return a.inbox->count_topic("kw/v1/probe/boot") > 0 &&
                   b.inbox->count_topic("kw/v1/probe/boot") > 0;
        },
        10s, 50ms));

    const int n = 200;
    for (int i = 0; i < n; ++i)
        pub.client->publish("kw/v1/CP" + std::to_string(i) + "/boot", "boot-" + std::to_string(i), 1);
    ASSERT_TRUE(eventually([&] {
        return a.inbox->count_payload_prefix("boot-") + b.inbox->count_payload_prefix("boot-") >= n;
    }));
    ASSERT_TRUE(eventually([&] { return pub.client->pending() == 0; }));

    std::multiset<std::string> seen;
    for (auto* inbox : {a.inbox.get(), b.inbox.get()})
        for (const auto& m : inbox->all())
            if (m.payload.rfind("boot-", 0) == 0) seen.insert(m.payload);
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(n));  // no duplicates...
    for (int i = 0; i < n; ++i)
        EXPECT_EQ(seen.count("boot-" + std::to_string(i)), 1u) << i;  // ...none missing
    EXPECT_GT(a.inbox->count_payload_prefix("boot-"), 0u);
    EXPECT_GT(b.inbox->count_payload_prefix("boot-"), 0u);
}

TEST_F(MqttClientTest, TwoThousandQos1MessagesAllArriveThroughAFullInflightWindow) {
    // Far fewer in flight than the burst: the window fills and must keep draining.
    auto [sub, pub] = subscribed_pair("kw/bulk", 10);
    ASSERT_FALSE(HasFailure());

    const int n = 2000;
    std::string filler(200, 'x');
    for (int i = 0; i < n; ++i) pub.client->publish("kw/bulk/data", std::to_string(i) + ":" + filler, 1);
    ASSERT_TRUE(received(*sub.inbox, "kw/bulk/data", n));
    EXPECT_TRUE(eventually([&] { return pub.client->pending() == 0; }));
    std::set<int> ids;
    for (const auto& m : sub.inbox->all())
        if (m.topic == "kw/bulk/data") ids.insert(std::stoi(m.payload.substr(0, m.payload.find(':'))));
    EXPECT_EQ(ids.size(), static_cast<std::size_t>(n));
}

TEST_F(MqttClientTest, BurstLargerThanTheSocketBufferIsWrittenOut) {
    auto [sub, pub] = subscribed_pair("kw/big", 1000);
    ASSERT_FALSE(HasFailure());

    // 16 MB queued at once: writes hit EAGAIN and must resume when the socket drains.
    const int n = 256;
    for (int i = 0; i < n; ++i)
        pub.client->publish("kw/big/data", std::string(64 * 1024, static_cast<char>('a' + i % 26)), 1);
    ASSERT_TRUE(received(*sub.inbox, "kw/big/data", n));
    EXPECT_TRUE(eventually([&] { return pub.client->pending() == 0; }));
}

// The subscriber reads every packet the socket holds at once (client_connection.cpp): small packets
// between large ones that arrive in pieces must come out whole, in order, none twice.
TEST_F(MqttClientTest, MixedSizesArriveWholeAndInOrderWhenManyPacketsAreReadAtOnce) {
    auto [sub, pub] = subscribed_pair("kw/mixed", 1000);
    ASSERT_FALSE(HasFailure());

    const int n = 3000;
    auto payload = [](int i) {
        const std::size_t size = i % 100 == 0 ? 200 * 1024 : static_cast<std::size_t>(10 + i % 50);
        return std::to_string(i) + ":" + std::string(size, static_cast<char>('a' + i % 26));
    };
    for (int i = 0; i < n; ++i) pub.client->publish("kw/mixed/data", payload(i), 1);
    ASSERT_TRUE(received(*sub.inbox, "kw/mixed/data", n));
    std::vector<std::string> got;
    for (const auto& m : sub.inbox->all())
        if (m.topic == "kw/mixed/data") got.push_back(m.payload);
    ASSERT_EQ(got.size(), static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) ASSERT_EQ(got[i], payload(i)) << "message " << i;
}

// The broker holds back QoS 1 messages beyond a subscriber's receive maximum while QoS 0 ones still
// pass. With the server's window (mqtt.receive_maximum, 1000) a burst that does not fill it arrives
// in the order it was published while the subscriber is slow to read: a charger's QoS 0 meter
// sample does not overtake its QoS 1 transaction event.
TEST_F(MqttClientTest, AQos0MessageDoesNotOvertakeAnEarlierQos1OneWhileTheReceiveWindowHasRoom) {
    IoThread sub_io;  // the subscriber's own thread, held up while the burst is published
    Options so = options("sub");
    so.receive_maximum = 1000;
    auto inbox = std::make_shared<Inbox>();
    MqttClient sub(sub_io.executor(), so);
    sub.on_message([inbox](const Message& m) { inbox->add(m); });
    sub.subscribe("kw/order/#", 1);
    sub.start();
    Options po = options("pub", 4);  // 3.1.1: the broker sets no send window for the publisher
    po.max_inflight = 1000;
    auto pub = make(po);
    ASSERT_TRUE(wait_subscribed(*pub.client, *inbox, "kw/order/probe"));

    boost::asio::post(sub_io.executor(), [] { std::this_thread::sleep_for(700ms); });
    const int n = 300;
    for (int i = 0; i < n; ++i) pub.client->publish("kw/order/data", std::to_string(i), i % 2 == 0 ? 1 : 0);
    ASSERT_TRUE(received(*inbox, "kw/order/data", n));
    std::vector<std::string> got;
    for (const auto& m : inbox->all())
        if (m.topic == "kw/order/data") got.push_back(m.payload);
    ASSERT_EQ(got.size(), static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) ASSERT_EQ(got[i], std::to_string(i)) << "message " << i;
    sub.stop();
}

TEST_F(MqttClientTest, Qos1MessagesPublishedWhileDisconnectedAreSentAfterReconnect) {
    // The client subscribes to its own topic: after the restart its SUBSCRIBE goes out before the
    // queued PUBLISHes, so it receives them itself.
    auto c = make(options("self"), {"kw/queued/#"});
    ASSERT_TRUE(wait_subscribed(*c.client, *c.inbox, "kw/queued/probe"));

    broker_.stop();
    ASSERT_TRUE(eventually([&] { return !c.client->connected(); }));
    for (int i = 0; i < 10; ++i) c.client->publish("kw/queued/q1", "m" + std::to_string(i), 1);
    c.client->publish("kw/queued/q0", "dropped", 0);
    ASSERT_TRUE(eventually([&] { return c.client->pending() == 10; }));

    broker_.start();
    ASSERT_TRUE(eventually([&] { return c.inbox->count_topic("kw/queued/q1") >= 10; }, 15s))
        << "received " << c.inbox->count_topic("kw/queued/q1");
    EXPECT_TRUE(eventually([&] { return c.client->pending() == 0; }));
    EXPECT_EQ(c.inbox->count_topic("kw/queued/q0"), 0u);
}

TEST_F(MqttClientTest, WrongPasswordIsRefusedAndRetriedWithoutCrashing) {
    Options bad = options("intruder");
    bad.password = "wrong";
    bad.reconnect_max_ms = 100;
    auto intruder = make(bad);
    auto good = make(options("good"), {"kw/ok/#"});
    ASSERT_TRUE(eventually([&] { return intruder.client->connect_attempts() >= 3; }));
    EXPECT_EQ(*intruder.connects, 0);
    EXPECT_FALSE(intruder.client->connected());
    // The broker refused each attempt, and a client with the right password is unaffected.
    EXPECT_TRUE(eventually([&] {
        std::string log = kw::test::read_file(broker_.log_path());
        std::size_t refusals = 0;
        for (auto pos = log.find("not authorised"); pos != std::string::npos;
             pos = log.find("not authorised", pos + 1))
            ++refusals;
        return refusals >= 3;
    }));
    EXPECT_TRUE(wait_subscribed(*good.client, *good.inbox, "kw/ok/probe"));
}

int open_fds() {
    int n = 0;
    DIR* d = ::opendir("/proc/self/fd");
    while (::readdir(d)) ++n;
    ::closedir(d);
    return n;
}

TEST_F(MqttClientTest, ManyClientsShareOneThreadWithOneSocketEach) {
    const int n = 300;
    int before = open_fds();
    std::vector<Probe> clients;
    clients.reserve(n);
    for (int i = 0; i < n; ++i) {
        Options o = options("cp-" + std::to_string(i));
        o.dup_fd = false;  // one io thread: the simulator's setting
        clients.push_back(make(o, {"kw/many/" + std::to_string(i) + "/cmd"}));
    }
    ASSERT_TRUE(eventually(
        [&] {
            return std::all_of(clients.begin(), clients.end(),
                               [](const Probe& p) { return p.client->connected(); });
        },
        30s));
    // One socket per client: libmosquitto's wake-up socketpair is not created.
    EXPECT_LE(open_fds() - before, n + 10);

    auto pub = make(options("pub"));
    auto everyone_hears = [&](const std::string& payload) {
        auto heard = [&](const Probe& p) { return p.inbox->count_payload_prefix(payload) > 0; };
        return eventually(
            [&] {
                for (int i = 0; i < n; ++i)
                    if (!heard(clients[i]))
                        pub.client->publish("kw/many/" + std::to_string(i) + "/cmd", payload, 1);
                return std::all_of(clients.begin(), clients.end(), heard);
            },
            30s, 200ms);
    };
    ASSERT_TRUE(everyone_hears("go"));

    // A broker restart: all of them come back on their own and subscribe again.
    broker_.restart();
    ASSERT_TRUE(eventually(
        [&] {
            return std::all_of(clients.begin(), clients.end(),
                               [](const Probe& p) { return *p.connects >= 2; });
        },
        30s));
    EXPECT_TRUE(everyone_hears("again"));
    EXPECT_LE(open_fds() - before, n + 10);
}

}  // namespace
}  // namespace kw::mqtt
