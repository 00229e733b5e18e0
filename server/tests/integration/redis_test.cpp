// Redis (pooled sync client) and RedisSubscriber against a real redis-server.
#include "io_thread.hpp"
#include "live/redis.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/error.hpp"
#include "live/redis_subscriber.hpp"
#include "services.hpp"

namespace kw::live {
namespace {

using namespace std::chrono_literals;
using kw::test::eventually;
using kw::test::RedisServer;
using Type = RedisReply::Type;

RedisConfig config_for(const RedisServer& server, int pool_size = 4) {
    RedisConfig c;
    c.host = "127.0.0.1";
    c.port = server.port();
    c.password = server.password();
    c.pool_size = pool_size;
    c.timeout_ms = 2000;
    return c;
}

using kw::test::IoThread;

class Received {
  public:
    void add(const std::string& channel, const std::string& payload) {
        std::lock_guard lock(mutex_);
        messages_.emplace_back(channel, payload);
    }
    std::size_t count(const std::string& channel, const std::string& payload) {
        std::lock_guard lock(mutex_);
        return std::count(messages_.begin(), messages_.end(), std::make_pair(channel, payload));
    }

  private:
    std::mutex mutex_;
    std::vector<std::pair<std::string, std::string>> messages_;
};

TEST(RedisClient, SetGetExpireRoundTrip) {
    RedisServer server;
    Redis redis(config_for(server));
    auto set = redis.command({"SET", "kw:k", "v1"});
    EXPECT_EQ(set.type, Type::status);
    EXPECT_EQ(set.str, "OK");
    auto get = redis.command({"GET", "kw:k"});
    EXPECT_EQ(get.type, Type::string);
    EXPECT_EQ(get.str, "v1");
    auto expire = redis.command({"EXPIRE", "kw:k", "100"});
    EXPECT_EQ(expire.type, Type::integer);
    EXPECT_EQ(expire.integer, 1);
    auto ttl = redis.command({"TTL", "kw:k"});
    EXPECT_GT(ttl.integer, 0);
    EXPECT_LE(ttl.integer, 100);
    EXPECT_TRUE(redis.command({"GET", "kw:missing"}).is_nil());
    // An expiry that has passed removes the key.
    redis.command({"PEXPIRE", "kw:k", "1"});
    EXPECT_TRUE(eventually([&] { return redis.command({"GET", "kw:k"}).is_nil(); }, 2s, 5ms));
}

TEST(RedisClient, PipelineReturnsOneReplyPerCommandInOrder) {
    RedisServer server;
    Redis redis(config_for(server));
    auto replies = redis.pipeline({{"SET", "kw:n", "41"},
                                   {"INCR", "kw:n"},
                                   {"GET", "kw:n"},
                                   {"RPUSH", "kw:list", "a", "b"},
                                   {"LRANGE", "kw:list", "0", "-1"},
                                   {"NOSUCHCOMMAND"},
                                   {"HGET", "kw:hash", "missing"}});
    ASSERT_EQ(replies.size(), 7u);
    EXPECT_EQ(replies[0].str, "OK");
    EXPECT_EQ(replies[1].integer, 42);
    EXPECT_EQ(replies[2].str, "42");
    EXPECT_EQ(replies[3].integer, 2);
    ASSERT_EQ(replies[4].type, Type::array);
    ASSERT_EQ(replies[4].elements.size(), 2u);
    EXPECT_EQ(replies[4].elements[0].str, "a");
    EXPECT_EQ(replies[4].elements[1].str, "b");
    EXPECT_TRUE(replies[5].is_error());
    EXPECT_NE(replies[5].str.find("unknown command"), std::string::npos);
    EXPECT_TRUE(replies[6].is_nil());
    // The error reply did not break the connection.
    EXPECT_EQ(redis.command({"GET", "kw:n"}).str, "42");
}

TEST(RedisClient, KeysAndValuesAreBinarySafe) {
    RedisServer server;
    Redis redis(config_for(server));
    std::string key("kw:\0bin\r\n", 9);
    std::string value;
    for (int i = 0; i < 256; ++i) value.push_back(static_cast<char>(i));
    value += std::string("\r\n$3\r\nfoo\0", 10);
    ASSERT_EQ(redis.command({"SET", key, value}).str, "OK");
    auto get = redis.command({"GET", key});
    EXPECT_EQ(get.str, value);
    EXPECT_EQ(get.str.size(), value.size());
    EXPECT_TRUE(redis.command({"GET", std::string("kw:", 3)}).is_nil());  // the key did not get cut at \0
}

TEST(RedisClient, ReconnectsAfterRedisRestartAndFailsAsUnavailableWhileDown) {
    RedisServer server;
    Redis redis(config_for(server, 2));
    ASSERT_EQ(redis.command({"SET", "kw:a", "1"}).str, "OK");
    ASSERT_EQ(redis.command({"PING"}).str, "PONG");

    server.stop();
    try {
        redis.command({"GET", "kw:a"});
        FAIL() << "expected kw::Error";
    } catch (const kw::Error& e) {
        EXPECT_EQ(e.errc(), Errc::unavailable);
    }

    server.start();
    // The pool's connections died with the old server; the next calls reconnect transparently.
    for (int i = 0; i < 5; ++i) EXPECT_EQ(redis.command({"SET", "kw:b", std::to_string(i)}).str, "OK");
    EXPECT_EQ(redis.command({"GET", "kw:b"}).str, "4");

    server.restart();  // without anyone noticing in between
    EXPECT_EQ(redis.command({"INCR", "kw:c"}).integer, 1);
}

TEST(RedisClient, SlowReplyTimesOutAsUnavailableAndTheNextCallWorks) {
    RedisServer server;
    RedisConfig cfg = config_for(server, 1);
    cfg.timeout_ms = 300;
    Redis redis(cfg);
    auto started = std::chrono::steady_clock::now();
    try {
        redis.command({"BLPOP", "kw:empty", "3"});  // the server answers after 3 s
        FAIL() << "expected kw::Error";
    } catch (const kw::Error& e) {
        EXPECT_EQ(e.errc(), Errc::unavailable);
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);  // gave up long before the 3 s reply
    EXPECT_EQ(redis.command({"PING"}).str, "PONG");
}

TEST(RedisClient, PasswordAndDatabaseAreApplied) {
    RedisServer server("s3cret");
    RedisConfig cfg = config_for(server);
    cfg.db = 3;
    Redis db3(cfg);
    ASSERT_EQ(db3.command({"SET", "kw:only-in-3", "x"}).str, "OK");
    cfg.db = 0;
    Redis db0(cfg);
    EXPECT_TRUE(db0.command({"GET", "kw:only-in-3"}).is_nil());

    cfg.password = "wrong";
    Redis bad(cfg);
    try {
        bad.command({"PING"});
        FAIL() << "expected kw::Error";
    } catch (const kw::Error& e) {
        EXPECT_EQ(e.errc(), Errc::unavailable);
    }
}

TEST(RedisClient, ConcurrentUseFromFourThreads) {
    RedisServer server;
    Redis redis(config_for(server, 3));  // fewer connections than threads: some wait for a free one
    const int per_thread = 500;
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            std::string key = "kw:thread:" + std::to_string(t);
            for (int i = 0; i < per_thread; ++i) {
                redis.command({"INCR", "kw:shared"});
                auto r = redis.pipeline({{"SET", key, std::to_string(i)}, {"GET", key}});
                if (r.size() != 2 || r[1].str != std::to_string(i)) ++mismatches;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(mismatches, 0);
    EXPECT_EQ(redis.command({"GET", "kw:shared"}).str, std::to_string(4 * per_thread));
}

TEST(RedisSubscriberTest, ReceivesPublishedMessagesAndResubscribesAfterRestart) {
    RedisServer server("pw");
    Redis redis(config_for(server));
    IoThread io;
    auto received = std::make_shared<Received>();
    RedisSubscriber sub(io.executor(), config_for(server));
    sub.on_message(
        [received](const std::string& ch, const std::string& payload) { received->add(ch, payload); });
    sub.subscribe("kw:ws:orders");
    sub.start();
    sub.subscribe("kw:ws:chargers");  // added while (maybe) connected

    // PUBLISH answers with the number of subscribers that got it.
    auto publish_until_heard = [&](const std::string& ch, const std::string& payload) {
        return eventually(
                   [&] {
                       return redis.command({"PUBLISH", ch, payload}).integer == 1;
                   },
                   15s, 50ms) &&
               eventually([&] { return received->count(ch, payload) > 0; });
    };
    ASSERT_TRUE(publish_until_heard("kw:ws:orders", "o1"));
    ASSERT_TRUE(publish_until_heard("kw:ws:chargers", std::string("c\0\xff", 3)));
    EXPECT_EQ(redis.command({"PUBLISH", "kw:ws:other", "x"}).integer, 0);

    server.restart();
    EXPECT_TRUE(publish_until_heard("kw:ws:orders", "o2"));
    EXPECT_TRUE(publish_until_heard("kw:ws:chargers", "c2"));
    EXPECT_TRUE(sub.connected());
}

TEST(RedisSubscriberTest, StopUnsubscribesAndDestructionIsQuiet) {
    RedisServer server;
    Redis redis(config_for(server));
    IoThread io;
    auto received = std::make_shared<Received>();
    {
        RedisSubscriber sub(io.executor(), config_for(server));
        sub.on_message([received](const std::string& ch, const std::string& p) { received->add(ch, p); });
        sub.subscribe("kw:ws:x");
        sub.start();
        ASSERT_TRUE(eventually([&] { return redis.command({"PUBLISH", "kw:ws:x", "1"}).integer == 1; }));
        sub.stop();
        EXPECT_TRUE(eventually([&] { return redis.command({"PUBLISH", "kw:ws:x", "2"}).integer == 0; }));
        EXPECT_FALSE(sub.connected());
        sub.start();
        EXPECT_TRUE(eventually([&] { return redis.command({"PUBLISH", "kw:ws:x", "3"}).integer == 1; }));
    }
    // Destroyed: the connection is closed for the server too.
    EXPECT_TRUE(eventually([&] { return redis.command({"PUBLISH", "kw:ws:x", "4"}).integer == 0; }));
    EXPECT_EQ(received->count("kw:ws:x", "2"), 0u);
}

}  // namespace
}  // namespace kw::live
