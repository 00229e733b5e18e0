#include "domain/schedule.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain/error.hpp"

namespace {

using kw::domain::LimitHit;
using kw::domain::StopLimits;
using ::testing::HasSubstr;

template <class F>
std::string bad_request_message(F&& f) {
    try {
        f();
    } catch (const kw::Error& e) {
        if (e.errc() == kw::Errc::bad_request) return e.what();
        return "<wrong errc: " + std::string(kw::errc_name(e.errc())) + ">";
    }
    return "<no exception>";
}

constexpr kw::UtcMs kNow = 1780275600000;  // 2026-06-01T01:00:00Z
constexpr std::int64_t kDayMs = 86'400'000;

TEST(ValidateLimits, NoLimitsOrSaneLimitsPass) {
    EXPECT_NO_THROW(kw::domain::validate_limits({}));
    EXPECT_NO_THROW(kw::domain::validate_limits({1, 1, 1}));
    EXPECT_NO_THROW(kw::domain::validate_limits({1'000'000, 10'000'000, 1440}));
}

TEST(ValidateLimits, ZeroNegativeAndTooLargeAreRejectedByName) {
    EXPECT_THAT(bad_request_message([] {
                    kw::domain::validate_limits({0, {}, {}});
                }),
                HasSubstr("energy limit"));
    EXPECT_THAT(bad_request_message([] {
                    kw::domain::validate_limits({{}, -5, {}});
                }),
                HasSubstr("amount limit"));
    EXPECT_THAT(bad_request_message([] {
                    kw::domain::validate_limits({{}, {}, 0});
                }),
                HasSubstr("time limit"));
    EXPECT_THAT(bad_request_message([] {
                    kw::domain::validate_limits({1'000'001, {}, {}});
                }),
                HasSubstr("at most 1000000 Wh"));
    EXPECT_THAT(bad_request_message([] {
                    kw::domain::validate_limits({{}, 10'000'001, {}});
                }),
                HasSubstr("at most 10000000 fen"));
    EXPECT_THAT(bad_request_message([] {
                    kw::domain::validate_limits({{}, {}, 1441});
                }),
                HasSubstr("at most 1440 minutes"));
}

TEST(ValidateScheduleStart, AcceptsFromOneMinuteAgoToSevenDaysAhead) {
    EXPECT_NO_THROW(kw::domain::validate_schedule_start(kNow, kNow));
    EXPECT_NO_THROW(kw::domain::validate_schedule_start(kNow, kNow - 60'000));
    EXPECT_NO_THROW(kw::domain::validate_schedule_start(kNow, kNow + 7 * kDayMs));
}

TEST(ValidateScheduleStart, RejectsThePastAndTheFarFuture) {
    EXPECT_THAT(bad_request_message([] { kw::domain::validate_schedule_start(kNow, kNow - 60'001); }),
                HasSubstr("in the past"));
    EXPECT_THAT(bad_request_message([] { kw::domain::validate_schedule_start(kNow, kNow + 7 * kDayMs + 1); }),
                HasSubstr("more than 7 days ahead"));
}

TEST(LimitReached, NoneWithoutLimits) {
    EXPECT_EQ(kw::domain::limit_reached({}, 1'000'000, 1'000'000, 0, kNow), LimitHit::none);
}

TEST(LimitReached, EachLimitTriggersAtItsValue) {
    StopLimits energy{5000, {}, {}};
    EXPECT_EQ(kw::domain::limit_reached(energy, 4999, 0, kNow, kNow), LimitHit::none);
    EXPECT_EQ(kw::domain::limit_reached(energy, 5000, 0, kNow, kNow), LimitHit::energy);
    StopLimits amount{{}, 1000, {}};
    EXPECT_EQ(kw::domain::limit_reached(amount, 0, 999, kNow, kNow), LimitHit::none);
    EXPECT_EQ(kw::domain::limit_reached(amount, 0, 1000, kNow, kNow), LimitHit::amount);
    StopLimits time{{}, {}, 30};
    EXPECT_EQ(kw::domain::limit_reached(time, 0, 0, kNow, kNow + 30 * 60'000 - 1), LimitHit::none);
    EXPECT_EQ(kw::domain::limit_reached(time, 0, 0, kNow, kNow + 30 * 60'000), LimitHit::time);
}

TEST(LimitReached, EnergyIsReportedFirstWhenSeveralHit) {
    StopLimits all{10, 10, 1};
    EXPECT_EQ(kw::domain::limit_reached(all, 10, 10, kNow, kNow + 60'000), LimitHit::energy);
    EXPECT_EQ(kw::domain::limit_reached(all, 9, 10, kNow, kNow + 60'000), LimitHit::amount);
}

TEST(BalanceGuard, StopsWhenTheNextMinutesWouldReachTheBalance) {
    // 7 kW at 1.4424 yuan/kWh: 60 s cost 116.7 Wh -> 16.8 fen; 600 s cost 168.3 fen.
    EXPECT_FALSE(kw::domain::should_stop_for_balance(1000, 900, 7000, 14424, 60));
    EXPECT_TRUE(kw::domain::should_stop_for_balance(1000, 900, 7000, 14424, 600));
}

TEST(BalanceGuard, ExactlyReachingTheBalanceStops) {
    // 3600 W for 1000 s = 1000 Wh at 10 yuan/kWh = 1000 fen.
    EXPECT_TRUE(kw::domain::should_stop_for_balance(1000, 0, 3600, 100000, 1000));
    EXPECT_FALSE(kw::domain::should_stop_for_balance(1001, 0, 3600, 100000, 1000));
}

TEST(BalanceGuard, SpentBalanceStopsEvenWithoutPower) {
    EXPECT_TRUE(kw::domain::should_stop_for_balance(500, 500, 0, 14424, 60));
    EXPECT_TRUE(kw::domain::should_stop_for_balance(500, 600, 0, 14424, 60));
    EXPECT_FALSE(kw::domain::should_stop_for_balance(500, 499, 0, 14424, 60));
    EXPECT_FALSE(kw::domain::should_stop_for_balance(500, 499, -7000, 14424, 60));
    EXPECT_TRUE(kw::domain::should_stop_for_balance(0, 0, 0, 0, 0));
}

TEST(BalanceGuard, LargeValuesDoNotOverflow) {
    EXPECT_FALSE(kw::domain::should_stop_for_balance(INT64_MAX, 0, 1'000'000'000, 1'000'000, 86400));
}

}  // namespace
