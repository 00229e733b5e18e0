// The in-process session cache (auth.session_cache_ms, and the account check's auth.status_cache_ms,
// set to 60 s here so that only an invalidation can explain a refusal): a token revoked on one
// instance is refused by another that had it cached (logout, driver disabled), a cached token is
// refused once its own expiry passes, and an instance that lost its Redis subscription forgets what
// it cached. Each test first shows that the cache is really in use: a token whose Redis record was
// deleted behind the server's back (no announcement) is still accepted from the cache.
#include <gtest/gtest.h>

#include "accounts_helpers.hpp"
#include "redis_client.hpp"
#include "service/auth.hpp"

namespace kw::test {
namespace {

using namespace accounts;
using namespace std::chrono_literals;

const std::vector<std::string> kCachedLong = {"--auth.session_cache_ms=60000",
                                              "--auth.status_cache_ms=60000"};

std::string token_key(const std::string& token) { return "kw:token:" + service::session_id(token); }

int me_status(HttpClient& via, const std::string& token) { return via.get("/api/v1/me", token).status; }

// Caches `probe` on `via`, deletes its record from Redis without telling anyone, and checks `via`
// still accepts it: only its cache can answer that.
void expect_cache_in_use(Stack& stack, HttpClient& via, const std::string& probe) {
    ASSERT_EQ(me_status(via, probe), 200);
    auto redis = redis_of(stack);
    ASSERT_EQ(redis.command({"DEL", token_key(probe)}).integer, 1);
    ASSERT_EQ(me_status(via, probe), 200) << "the instance did not cache the session";
}

struct Cluster {
    Cluster() : stack(StackOptions{false, flags()}) {
        port = free_port();
        second = stack.start_extra_server(port, "second");
        http = std::make_unique<HttpClient>("127.0.0.1", port);
        // The second instance caches sessions once it is subscribed to the revocations.
        const bool live = eventually([&] {
            const std::string log = read_file(second->log_path());
            return log.find("event=cache_invalidations subscribed=true") != std::string::npos;
        }, 20s);
        if (!live) throw std::runtime_error("second instance never subscribed: " + second->log_tail());
    }
    static std::vector<std::string> flags() {
        auto f = kCachedLong;
        f.push_back("--server.cluster=true");
        return f;
    }
    Stack stack;
    int port = 0;
    std::unique_ptr<Process> second;
    std::unique_ptr<HttpClient> http;
};

TEST(SecuritySessionCache, LogoutOnOneInstanceIsRefusedByAnotherThatHadTheTokenCached) {
    Cluster c;
    expect_cache_in_use(c.stack, *c.http, c.stack.driver_token("13812340001"));
    const std::string driver = c.stack.driver_token("13812345678");
    ASSERT_EQ(me_status(*c.http, driver), 200);  // cached on the second instance
    KW_EXPECT_STATUS(c.stack.http().post("/api/v1/auth/logout", "", driver), 204);
    // The revocation message may still be on its way: allow it to arrive, far within the 60 s TTL.
    EXPECT_TRUE(eventually([&] { return me_status(*c.http, driver) == 401; }, 5s, 1ms));
    EXPECT_EQ(me_status(c.stack.http(), driver), 401);
}

TEST(SecuritySessionCache, DisablingADriverOnOneInstanceRefusesTheirCachedTokenOnAnother) {
    Cluster c;
    expect_cache_in_use(c.stack, *c.http, c.stack.driver_token("13812340001"));
    const std::string driver = c.stack.driver_token("13812345678");
    const long long id = c.stack.driver_id(driver);
    ASSERT_EQ(me_status(*c.http, driver), 200);
    KW_EXPECT_STATUS(c.stack.http().post("/api/v1/admin/drivers/" + std::to_string(id) + "/disable", "",
                                         c.stack.admin_token()),
                     200);
    EXPECT_TRUE(eventually([&] { return me_status(*c.http, driver) == 401; }, 5s, 1ms));
}

TEST(SecuritySessionCache, InstanceThatLostItsRedisSubscriptionForgetsCachedSessions) {
    Cluster c;
    const std::string probe = c.stack.driver_token("13812340001");
    expect_cache_in_use(c.stack, *c.http, probe);  // accepted from the cache only
    c.stack.redis().restart();                     // every connection drops; revocations could be missed
    EXPECT_TRUE(eventually([&] { return me_status(*c.http, probe) == 401; }, 10s));
}

TEST(SecuritySessionCache, CachedTokenIsRefusedOnceItsOwnExpiryPasses) {
    Stack stack(StackOptions{false, kCachedLong});
    expect_cache_in_use(stack, stack.http(), stack.driver_token("13812340001"));
    const std::string driver = stack.driver_token("13812345678");
    auto redis = redis_of(stack);
    // As if it was issued long ago: about two seconds left.
    ASSERT_EQ(redis.command({"PEXPIRE", token_key(driver), "2000"}).integer, 1);
    ASSERT_EQ(me_status(stack.http(), driver), 200);  // cached now, until the token's expiry at most
    ASSERT_TRUE(eventually([&] { return redis.command({"EXISTS", token_key(driver)}).integer == 0; }, 10s));
    EXPECT_EQ(me_status(stack.http(), driver), 401);
}

}  // namespace
}  // namespace kw::test
