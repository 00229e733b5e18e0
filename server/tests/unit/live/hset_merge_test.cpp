// live::merge_hsets: the merged pipeline leaves every hash as the original pipeline would.
#include <gtest/gtest.h>

#include "live/hset_merge.hpp"

namespace kw::live {
namespace {

using Commands = std::vector<std::vector<std::string>>;

TEST(MergeHsets, HsetsToOneHashBecomeOneWhereTheLaterValueOfAFieldWins) {
    const Commands merged = merge_hsets({{"HSET", "conn:A:1", "energy_wh", "10", "power_w", "7000"},
                                         {"HSET", "conn:A:1", "energy_wh", "20", "power_w", "6500"},
                                         {"HSET", "conn:A:1", "energy_wh", "30", "power_w", "6000"}});
    EXPECT_EQ(merged, (Commands{{"HSET", "conn:A:1", "energy_wh", "30", "power_w", "6000"}}));
}

TEST(MergeHsets, AFieldOnlyALaterHsetWritesIsAddedAndOneItLeavesOutKeepsItsEarlierValue) {
    const Commands merged = merge_hsets({{"HSET", "order:1", "last_wh", "10", "persisted_at", "5"},
                                         {"HSET", "order:1", "last_wh", "20"},
                                         {"HSET", "order:1", "stop_sent", "limit_energy", "last_wh", "30"}});
    EXPECT_EQ(merged,
              (Commands{{"HSET", "order:1", "last_wh", "30", "persisted_at", "5", "stop_sent", "limit_energy"}}));
}

TEST(MergeHsets, EachHashKeepsThePlaceOfItsFirstHset) {
    const Commands merged = merge_hsets({{"HSET", "conn:A:1", "energy_wh", "10"},
                                         {"HSET", "order:1", "last_wh", "10"},
                                         {"HSET", "conn:B:1", "energy_wh", "5"},
                                         {"HSET", "conn:A:1", "energy_wh", "20"},
                                         {"HSET", "order:1", "last_wh", "20"}});
    EXPECT_EQ(merged, (Commands{{"HSET", "conn:A:1", "energy_wh", "20"},
                                {"HSET", "order:1", "last_wh", "20"},
                                {"HSET", "conn:B:1", "energy_wh", "5"}}));
}

TEST(MergeHsets, AnotherCommandBetweenTwoHsetsKeepsThemApart) {
    const Commands original = {{"HSET", "order:1", "last_wh", "10"},
                               {"DEL", "order:1"},
                               {"HSET", "order:1", "last_wh", "20"},
                               {"EXPIRE", "order:1", "60"}};
    EXPECT_EQ(merge_hsets(original), original);
}

TEST(MergeHsets, AMalformedHsetIsKeptAsItIsAndNotMergedInto) {
    const Commands original = {{"HSET", "order:1", "last_wh"}, {"HSET", "order:1", "last_wh", "20"}};
    EXPECT_EQ(merge_hsets(original), original);
}

}  // namespace
}  // namespace kw::live
