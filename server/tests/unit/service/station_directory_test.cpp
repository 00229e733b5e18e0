// The station directory's rules on its own (time is given, no services): what is reused, for how
// long, and that an invalidation also discards what loads begun before it bring back.
#include "service/station_directory.hpp"

#include <gtest/gtest.h>

namespace kw::service {
namespace {

std::shared_ptr<const DirectoryEntry> entry(std::int64_t id) {
    auto e = std::make_shared<DirectoryEntry>();
    e->summary.station.id = id;
    return e;
}

std::shared_ptr<const DirectoryIndex> index_of(std::int64_t id) {
    return std::make_shared<const DirectoryIndex>(std::vector<domain::PointRanking::Input>{{id, {121.47, 31.23}}});
}

TEST(StationDirectory, AnEntryIsReusedUntilItsTtlHasPassed) {
    StationDirectory dir(1000);
    dir.put_entries({entry(7)}, dir.generation(), 10'000);
    EXPECT_EQ(dir.entries({7}, 10'000)[0]->summary.station.id, 7);
    dir.entries({7}, 10'500);  // past half the TTL this first caller is to reload it (next test)
    EXPECT_NE(dir.entries({7}, 10'999)[0], nullptr);
    EXPECT_EQ(dir.entries({7}, 11'000)[0], nullptr) << "expired at loaded + ttl";
    EXPECT_EQ(dir.entries({7}, 9'000)[0], nullptr) << "a clock that went back does not extend it";
}

TEST(StationDirectory, PastHalfItsTtlOneCallerIsToldToReloadWhileTheOthersKeepIt) {
    StationDirectory dir(1000);
    dir.put_index(index_of(1), dir.generation(), 0);
    dir.put_entries({entry(7)}, dir.generation(), 0);
    EXPECT_NE(dir.entries({7}, 499)[0], nullptr);
    EXPECT_NE(dir.entries({7}, 499)[0], nullptr) << "before half the TTL nobody reloads";
    EXPECT_EQ(dir.entries({7}, 500)[0], nullptr) << "the first caller past half the TTL reloads";
    EXPECT_NE(dir.entries({7}, 600)[0], nullptr) << "the others keep the entry meanwhile";
    EXPECT_NE(dir.index(499), nullptr);
    EXPECT_EQ(dir.index(500), nullptr) << "the same for the index: one reloads it";
    EXPECT_NE(dir.index(501), nullptr);
    dir.put_entries({entry(7)}, dir.generation(), 600);
    EXPECT_NE(dir.entries({7}, 1000)[0], nullptr) << "the reloaded entry counts from its own load";
}

TEST(StationDirectory, EntriesComeBackInTheOrderAskedWithNullForMisses) {
    StationDirectory dir(1000);
    dir.put_entries({entry(1), entry(3)}, dir.generation(), 0);
    auto got = dir.entries({3, 2, 1}, 5);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0]->summary.station.id, 3);
    EXPECT_EQ(got[1], nullptr);
    EXPECT_EQ(got[2]->summary.station.id, 1);
}

TEST(StationDirectory, InvalidateDropsTheIndexAndEveryEntry) {
    StationDirectory dir(1000);
    dir.put_index(index_of(1), dir.generation(), 0);
    dir.put_entries({entry(1)}, dir.generation(), 0);
    ASSERT_NE(dir.index(5), nullptr);
    dir.invalidate();
    EXPECT_EQ(dir.index(5), nullptr);
    EXPECT_EQ(dir.entries({1}, 5)[0], nullptr);
}

TEST(StationDirectory, WhatALoadBegunBeforeAnInvalidationBringsBackIsNotKept) {
    StationDirectory dir(1000);
    const auto before = dir.generation();
    dir.invalidate();  // a write committed while the load was reading
    dir.put_index(index_of(1), before, 0);
    dir.put_entries({entry(1)}, before, 0);
    EXPECT_EQ(dir.index(5), nullptr);
    EXPECT_EQ(dir.entries({1}, 5)[0], nullptr);
    dir.put_entries({entry(1)}, dir.generation(), 0);
    EXPECT_NE(dir.entries({1}, 5)[0], nullptr);
}

TEST(StationDirectory, ZeroTtlReusesNothing) {
    StationDirectory dir(0);
    dir.put_index(index_of(1), dir.generation(), 0);
    dir.put_entries({entry(1)}, dir.generation(), 0);
    EXPECT_EQ(dir.index(0), nullptr);
    EXPECT_EQ(dir.entries({1}, 0)[0], nullptr);
}

TEST(MinuteText, IsGivenBackOnlyForTheMinuteItWasMadeFor) {
    MinuteText t;
    EXPECT_EQ(t.get(100), nullptr);
    t.put(100, std::make_shared<const std::string>("x"));
    ASSERT_NE(t.get(100), nullptr);
    EXPECT_EQ(*t.get(100), "x");
    EXPECT_EQ(t.get(101), nullptr);
}

}  // namespace
}  // namespace kw::service
