#include "domain/meter.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <limits>

#include "domain/error.hpp"
#include "domain/tariff.hpp"

namespace {

using kw::domain::check_meter_step;
using kw::domain::max_energy_wh;
using kw::domain::MeterStep;
using kw::domain::Sample;
using kw::domain::session_ends;
using kw::domain::SessionFacts;

TEST(MeterSteps, AllowanceIsMaxPowerTimesElapsedPlusTolerance) {
    // 60 kW for one minute: 1000 Wh, +10 % = 1100, +1 Wh of rounding.
    EXPECT_EQ(max_energy_wh(60'000, 60'000), 1101);
    // A burst of samples counts as the minimum interval, so rounding alone never refuses a reading.
    EXPECT_EQ(max_energy_wh(7'000, 100), max_energy_wh(7'000, kw::domain::kMeterMinIntervalMs));
    EXPECT_EQ(max_energy_wh(7'000, -5'000), max_energy_wh(7'000, kw::domain::kMeterMinIntervalMs));
    EXPECT_GT(max_energy_wh(7'000, 100), 1);
    EXPECT_EQ(max_energy_wh(0, 60'000), 0);
    // Huge spans neither overflow nor wrap.
    EXPECT_EQ(max_energy_wh(1'000'000, std::numeric_limits<std::int64_t>::max()), 2'818'252'566'816'737'054);
    EXPECT_EQ(max_energy_wh(std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::max()),
              std::numeric_limits<std::int64_t>::max());
}

TEST(MeterSteps, BackwardsAndTooFastAreRefusedPlausibleStepsAccepted) {
    const Sample last{1'000'000, 126'000};
    EXPECT_EQ(check_meter_step(last, {1'060'000, 126'000}, 60'000), MeterStep::ok);
    EXPECT_EQ(check_meter_step(last, {1'060'000, 127'000}, 60'000), MeterStep::ok);
    EXPECT_EQ(check_meter_step(last, {1'060'000, 125'200}, 60'000), MeterStep::backwards);
    EXPECT_EQ(check_meter_step(last, {1'060'000, 126'000 + 1'102}, 60'000), MeterStep::too_fast);
    EXPECT_EQ(check_meter_step(last, {1'060'000, std::numeric_limits<std::int64_t>::max()}, 60'000),
              MeterStep::too_fast);
    // Max power unknown (a session begun before it was kept): only the direction is checked.
    EXPECT_EQ(check_meter_step(last, {1'001'000, 900'000}, 0), MeterStep::ok);
    EXPECT_EQ(check_meter_step(last, {1'001'000, 1}, 0), MeterStep::backwards);
    EXPECT_EQ(kw::domain::to_string(MeterStep::too_fast), "meter_above_max_power");
}

TEST(SessionEnds, RecordedStartWinsOverAForgedReportedStart) {
    SessionFacts f{.created_at = 1'000, .recorded_start = Sample{2'000, 125'000},
                   .last_accepted = Sample{62'000, 125'800}, .max_w = 60'000};
    auto e = session_ends(f, Sample{-540'000, 0}, Sample{122'000, 126'000});
    ASSERT_TRUE(e.start);
    EXPECT_EQ(e.start->wh, 125'000);
    EXPECT_EQ(e.start->at, 2'000);
    EXPECT_EQ(e.end.wh, 126'000);
    EXPECT_FALSE(e.start_raised);
    EXPECT_FALSE(e.end_lowered);
}

TEST(SessionEnds, ReportedStartCannotPredateTheOrderNorExceedWhatTheConnectorCouldDeliver) {
    SessionFacts f{.created_at = 1'000'000, .max_w = 60'000};
    // Started event lost; the ended event claims the whole register since long before the order.
    auto e = session_ends(f, Sample{1'000'000 - 540'000, 0}, Sample{1'060'000, 127'000});
    ASSERT_TRUE(e.start);
    EXPECT_EQ(e.start->at, 1'000'000);
    EXPECT_EQ(e.end.wh - e.start->wh, max_energy_wh(60'000, 60'000));
    EXPECT_TRUE(e.start_raised);
    // An honest one is left as it is.
    auto honest = session_ends(f, Sample{1'000'500, 126'000}, Sample{1'060'000, 127'000});
    EXPECT_EQ(honest.start->wh, 126'000);
    EXPECT_FALSE(honest.start_raised);
}

TEST(SessionEnds, EndIsNeverBeforeTheStartNorAboveWhatIsPossibleSinceTheLastReading) {
    SessionFacts f{.created_at = 1'000, .recorded_start = Sample{10'000, 125'000},
                   .last_accepted = Sample{70'000, 126'000}, .max_w = 60'000};
    // An end dated before the start with the whole register would sort first and bill it all.
    auto early = session_ends(f, std::nullopt, Sample{5'000, 0});
    EXPECT_EQ(early.end.at, 70'000);
    auto jump = session_ends(f, std::nullopt, Sample{130'000, 226'000});
    EXPECT_EQ(jump.end.wh, 126'000 + max_energy_wh(60'000, 60'000));
    EXPECT_TRUE(jump.end_lowered);
}

TEST(Billing, ForgedHugeRegisterIsRefusedNotWrapped) {
    const kw::domain::Tariff t = kw::domain::parse_tariff(boost::json::parse(
        R"({"prices":{"flat":{"electricity":1000000,"service":1000000}},"periods":[["00:00","24:00","flat"]]})"));
    const std::int64_t huge = std::numeric_limits<std::int64_t>::max();
    try {
        kw::domain::bill_session(t, "Asia/Shanghai", {{0, 0}, {60'000, huge}});
        FAIL() << "a bill beyond 64 bits was computed";
    } catch (const kw::Error& e) {
        EXPECT_EQ(e.errc(), kw::Errc::bad_request);
    }
    // Back and forth near the top: the sum of rises overflows and is refused too.
    EXPECT_THROW(kw::domain::bill_session(t, "Asia/Shanghai", {{0, 0}, {1, huge}, {2, 0}, {3, huge}}), kw::Error);
}

TEST(SessionEnds, AnEndDatedTooEarlyByAClockThatJustJumpedIsBoundedUntilItsArrival) {
    // 7 kW; the last stored reading at 100 s. The charger's clock was put right a moment ago and
    // its old offset still applies: its end, really at 160 s, reads 300 s earlier. Bounded by the
    // reported time it would bill nothing; until the event arrived (161 s) 116 Wh were possible.
    SessionFacts f{.created_at = 1'000, .recorded_start = Sample{10'000, 125'000},
                   .last_accepted = Sample{100'000, 125'175}, .max_w = 7'000, .end_received_at = 161'000};
    auto e = session_ends(f, std::nullopt, Sample{160'000 - 300'000, 125'290});
    EXPECT_EQ(e.end.wh, 125'290);
    EXPECT_FALSE(e.end_lowered);
    // And it ended when the event arrived, not at the last reading: a session whose end were put at
    // its start (no reading accepted meanwhile) would last no time and bill nothing.
    EXPECT_EQ(e.end.at, 161'000);
    f.end_received_at = 0;  // arrival unknown: the reported time bounds it, as before (lowered)
    const auto unknown = session_ends(f, std::nullopt, Sample{160'000 - 300'000, 125'290});
    EXPECT_EQ(unknown.end.wh, 125'175 + max_energy_wh(7'000, 0));
    EXPECT_EQ(unknown.end.at, 100'000);
}

}  // namespace
