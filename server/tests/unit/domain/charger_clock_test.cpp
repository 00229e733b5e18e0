#include "domain/charger_clock.hpp"

#include <gtest/gtest.h>

namespace kw::domain {
namespace {

constexpr UtcMs kNow = 1'780'000'000'000;  // the message reached the server
constexpr UtcMs kHandled = kNow + 7;       // and was handled a little later

TEST(ChargerClock, OffsetWithinToleranceCountsAsNone) {
    EXPECT_EQ(next_clock_offset(std::nullopt, 4'000), 0);
    EXPECT_EQ(next_clock_offset(std::nullopt, -kClockToleranceMs), 0);
    EXPECT_EQ(next_clock_offset(300'000, 1'200), 0);  // the clock was fixed
}

TEST(ChargerClock, SkewBeyondToleranceIsMeasured) {
    EXPECT_EQ(next_clock_offset(std::nullopt, 300'000), 300'000);
    EXPECT_EQ(next_clock_offset(0, -300'250), -300'250);
    EXPECT_EQ(next_clock_offset(300'000, -300'000), -300'000);  // the clock jumped
}

TEST(ChargerClock, SmallChangesOfAMeasuredOffsetDoNotMoveIt) {
    EXPECT_EQ(next_clock_offset(300'000, 300'900), 300'000);
    EXPECT_EQ(next_clock_offset(300'000, 296'000), 300'000);
    EXPECT_EQ(next_clock_offset(300'000, 306'000), 306'000);
}

TEST(ChargerClock, OnlyAnOffsetBeyondAMinuteIsReportedToTheOperator) {
    EXPECT_FALSE(clock_skew_reported(-10'000));  // e.g. a broker seconds behind its messages
    EXPECT_FALSE(clock_skew_reported(kClockSkewReportedMs));
    EXPECT_TRUE(clock_skew_reported(-300'000));
    EXPECT_TRUE(clock_skew_reported(kClockSkewReportedMs + 1));
}

TEST(ChargerClock, ReportedTimeIsShiftedOntoTheServersClock) {
    EXPECT_EQ(on_server_clock(kNow - 300'000, -300'000, kNow, kHandled), kNow);  // 5 minutes behind
    // 5 minutes ahead; a replay 20 s old.
    EXPECT_EQ(on_server_clock(kNow + 300'000 - 20'000, 300'000, kNow, kHandled), kNow - 20'000);
}

TEST(ChargerClock, MissingOrImplausibleTimeBecomesWhenTheMessageIsHandled) {
    EXPECT_EQ(on_server_clock(0, 300'000, kNow, kHandled), kHandled);  // no ts sent
    EXPECT_EQ(on_server_clock(kNow + kClockBelievedMs + 1, std::nullopt, kNow, kHandled), kHandled);
    EXPECT_EQ(on_server_clock(kNow - kClockBelievedMs - 1, 0, kNow, kHandled), kHandled);
    // Never measured (no ts in its boot and heartbeats): believed within kClockBelievedMs.
    EXPECT_EQ(on_server_clock(kNow + 200'000, std::nullopt, kNow, kHandled), kNow + 200'000);
}

TEST(ChargerClock, TimeFromTheFutureOfAMeasuredClockBecomesTheReceiveTime) {
    // Measured right, then the clock jumped 5 minutes ahead: the next tx event cannot be from then.
    EXPECT_EQ(on_server_clock(kNow + 300'000, 0, kNow, kHandled), kNow);
    EXPECT_EQ(on_server_clock(kNow + 3, 0, kNow, kHandled), kNow);  // the delay of the measuring message
    // A jump back is not noticed this way (a replay is older too): the order's bounds apply to it.
    EXPECT_EQ(on_server_clock(kNow - 300'000, 0, kNow, kHandled), kNow - 300'000);
}

TEST(ChargerClock, EventRecordedBeforeTheClockWentBackKeepsItsOwnTime) {
    // The clock was right when the started event was written, then went 5 minutes back (measured
    // now: -300 s); the event arrives 20 s late. Corrected it would be 280 s in the future: it is
    // taken at its own time, not at the receive time (which made its readings look too fast).
    EXPECT_EQ(on_server_clock(kNow - 20'000, -300'000, kNow, kHandled), kNow - 20'000);
}

TEST(ChargerClock, AQueuedMessageKeepsItsTimeUpToAWeekBack) {
    // Kept 3 hours while the charger was offline: believed (a live message would be taken at receipt).
    EXPECT_EQ(queued_on_server_clock(kNow - 3 * 3600'000LL, std::nullopt, kNow, kHandled), kNow - 3 * 3600'000LL);
    EXPECT_EQ(on_server_clock(kNow - 3 * 3600'000LL, std::nullopt, kNow, kHandled), kHandled);
    // A measured offset is taken off first.
    EXPECT_EQ(queued_on_server_clock(kNow - 3600'000, 60'000, kNow, kHandled), kNow - 3600'000 - 60'000);
}

TEST(ChargerClock, AQueuedMessageFromTheFutureOrOlderThanAWeekIsNotBelieved) {
    EXPECT_EQ(queued_on_server_clock(kNow + 300'000, 0, kNow, kHandled), kNow);
    EXPECT_EQ(queued_on_server_clock(kNow - kQueuedBelievedMs - 1, std::nullopt, kNow, kHandled), kHandled);
    EXPECT_EQ(queued_on_server_clock(0, std::nullopt, kNow, kHandled), kHandled);
}

}  // namespace
}  // namespace kw::domain
