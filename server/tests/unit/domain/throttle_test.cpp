#include "domain/throttle.hpp"

#include <gtest/gtest.h>

namespace kw::domain {
namespace {

TEST(Throttle, FreeFailuresImposeNoDelay) {
    for (int n = 0; n < 5; ++n) EXPECT_EQ(backoff_delay_s(n, 5, 900), 0) << n;
}

TEST(Throttle, DelayDoublesPerFailureAfterTheFreeOnesUpToTheCap) {
    EXPECT_EQ(backoff_delay_s(5, 5, 900), 1);
    EXPECT_EQ(backoff_delay_s(6, 5, 900), 2);
    EXPECT_EQ(backoff_delay_s(7, 5, 900), 4);
    EXPECT_EQ(backoff_delay_s(14, 5, 900), 512);
    EXPECT_EQ(backoff_delay_s(15, 5, 900), 900);
    EXPECT_EQ(backoff_delay_s(1'000'000, 5, 900), 900);  // no overflow however many
}

TEST(Throttle, WaitCountsFromTheLastFailureAndRoundsUp) {
    const std::int64_t last = 1'000'000;
    EXPECT_EQ(backoff_wait_s(7, 5, 900, last, last), 4);
    EXPECT_EQ(backoff_wait_s(7, 5, 900, last, last + 2'500), 2);  // 1.5 s left -> 2
    EXPECT_EQ(backoff_wait_s(7, 5, 900, last, last + 4'000), 0);
    EXPECT_EQ(backoff_wait_s(3, 5, 900, last, last), 0);
}

}  // namespace
}  // namespace kw::domain
