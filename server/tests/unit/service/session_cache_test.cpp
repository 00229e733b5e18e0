// SessionCache on its own: entries end at the earlier of the cache TTL and the token's expiry,
// revocations (forget) win over lookups that were reading Redis at the same time, and nothing is
// cached while revocations may be missed.
#include <gtest/gtest.h>

#include "service/session_cache.hpp"

namespace kw::service {
namespace {

constexpr UtcMs kNow = 1'780'000'000'000;
const Principal kDriver{Role::driver, 42};

TEST(SessionCache, EntryEndsAtTheCacheTtl) {
    SessionCache cache(5000, true);
    cache.put("s1", kDriver, kNow, kNow + 3'600'000, cache.generation());
    ASSERT_TRUE(cache.get("s1", kNow + 4999).has_value());
    EXPECT_EQ(cache.get("s1", kNow + 4999)->id, 42);
    EXPECT_FALSE(cache.get("s1", kNow + 5000).has_value());
}

TEST(SessionCache, EntryNeverOutlivesTheTokensOwnExpiry) {
    SessionCache cache(60'000, true);
    cache.put("s1", kDriver, kNow, kNow + 1000, cache.generation());
    EXPECT_TRUE(cache.get("s1", kNow + 999).has_value());
    EXPECT_FALSE(cache.get("s1", kNow + 1000).has_value());
}

TEST(SessionCache, ForgottenSessionIsGone) {
    SessionCache cache(5000, true);
    cache.put("s1", kDriver, kNow, kNow + 60'000, cache.generation());
    cache.put("s2", kDriver, kNow, kNow + 60'000, cache.generation());
    on_sessions_revoked(cache, "s1,unknown");
    EXPECT_FALSE(cache.get("s1", kNow).has_value());
    EXPECT_TRUE(cache.get("s2", kNow).has_value());
}

TEST(SessionCache, LookupThatReadRedisBeforeARevocationDoesNotCacheTheRevokedSession) {
    SessionCache cache(5000, true);
    const auto before_read = cache.generation();
    cache.forget("s1");  // revoked while the lookup was waiting for Redis
    cache.put("s1", kDriver, kNow, kNow + 60'000, before_read);
    EXPECT_FALSE(cache.get("s1", kNow).has_value());
}

TEST(SessionCache, NothingIsCachedWhileRevocationsMayBeMissed) {
    SessionCache cache(5000, false);
    cache.put("s1", kDriver, kNow, kNow + 60'000, cache.generation());
    EXPECT_FALSE(cache.get("s1", kNow).has_value());
    cache.set_live(true);
    cache.put("s1", kDriver, kNow, kNow + 60'000, cache.generation());
    EXPECT_TRUE(cache.get("s1", kNow).has_value());
    cache.set_live(false);  // the subscription was lost: what was cached may have been revoked since
    EXPECT_FALSE(cache.get("s1", kNow).has_value());
}

TEST(SessionCache, ZeroTtlCachesNothing) {
    SessionCache cache(0, true);
    cache.put("s1", kDriver, kNow, kNow + 60'000, cache.generation());
    EXPECT_FALSE(cache.get("s1", kNow).has_value());
}

TEST(SessionCache, ExpiredEntriesAreSweptAsTheMapGrows) {
    SessionCache cache(1000, true);
    for (int i = 0; i < 5000; ++i)
        cache.put("old" + std::to_string(i), kDriver, kNow, kNow + 60'000, cache.generation());
    for (int i = 0; i < 5000; ++i)
        cache.put("new" + std::to_string(i), kDriver, kNow + 2000, kNow + 60'000, cache.generation());
    EXPECT_LE(cache.size(), 5000u + 2048u);
}

}  // namespace
}  // namespace kw::service
