// ChargerKeyCache on its own: an entry ends after its max age, a network change forgets every key,
// a lookup that read SQL before such a change cannot put the old key back, and nothing is cached
// while changes may be missed (not live) or with the cache off.
#include <gtest/gtest.h>

#include "service/charger_key_cache.hpp"
#include "service/station_directory.hpp"

namespace kw::service {
namespace {

constexpr UtcMs kNow = 1'780'000'000'000;
const store::ChargerKey kKey{7, 3, 2};

TEST(ChargerKeyCache, EntryEndsAfterItsMaxAge) {
    ChargerKeyCache cache(60'000, true);
    cache.put("CP-1", kKey, kNow, cache.generation());
    ASSERT_TRUE(cache.get("CP-1", kNow + 59'999).has_value());
    EXPECT_EQ(cache.get("CP-1", kNow + 59'999)->id, 7);
    EXPECT_EQ(cache.get("CP-1", kNow + 59'999)->station_id, 3);
    EXPECT_EQ(cache.get("CP-1", kNow + 59'999)->connectors, 2);
    EXPECT_FALSE(cache.get("CP-1", kNow + 60'000).has_value());
    EXPECT_FALSE(cache.get("CP-2", kNow).has_value());
}

TEST(ChargerKeyCache, NetworkChangeForgetsEveryKeyAndDropsTheStationDirectory) {
    ChargerKeyCache cache(60'000, true);
    StationDirectory directory(60'000);
    cache.put("CP-1", kKey, kNow, cache.generation());
    cache.put("CP-2", kKey, kNow, cache.generation());
    const std::uint64_t directory_before = directory.generation();
    on_network_changed(cache, directory);
    EXPECT_FALSE(cache.get("CP-1", kNow).has_value());
    EXPECT_FALSE(cache.get("CP-2", kNow).has_value());
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_NE(directory.generation(), directory_before);
}

TEST(ChargerKeyCache, LookupThatReadSqlBeforeAChangeDoesNotCacheTheOldKey) {
    ChargerKeyCache cache(60'000, true);
    const auto before_read = cache.generation();
    cache.forget_all();  // a connector added while the lookup was reading SQL
    cache.put("CP-1", kKey, kNow, before_read);
    EXPECT_FALSE(cache.get("CP-1", kNow).has_value());
    cache.put("CP-1", kKey, kNow, cache.generation());
    EXPECT_TRUE(cache.get("CP-1", kNow).has_value());
}

TEST(ChargerKeyCache, NothingIsCachedWhileChangesMayBeMissedOrWithTheCacheOff) {
    ChargerKeyCache cache(60'000, false);
    cache.put("CP-1", kKey, kNow, cache.generation());
    EXPECT_FALSE(cache.get("CP-1", kNow).has_value());
    cache.set_live(true);
    cache.put("CP-1", kKey, kNow, cache.generation());
    EXPECT_TRUE(cache.get("CP-1", kNow).has_value());
    cache.set_live(false);  // the subscription was lost: what was cached goes
    EXPECT_FALSE(cache.get("CP-1", kNow).has_value());

    ChargerKeyCache off(0, true);
    off.put("CP-1", kKey, kNow, off.generation());
    EXPECT_FALSE(off.get("CP-1", kNow).has_value());
}

}  // namespace
}  // namespace kw::service
