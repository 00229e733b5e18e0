// The running estimate and the bill are one pricing computation (domain/tariff.hpp): the estimate
// fed every accepted sample ends exactly where the bill of the persisted samples does.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <vector>

#include "domain/tariff.hpp"

namespace {

using kw::parse_utc;
using kw::domain::Bill;
using kw::domain::BillProgress;
using kw::domain::Sample;
using kw::domain::Tariff;

const std::string kTz = "Asia/Shanghai";

// Valley until 08:00 local, peak after: a session from 07:50 to 08:20 crosses the boundary.
Tariff two_period_tariff() {
    return kw::domain::parse_tariff(boost::json::parse(R"({
        "prices": {"valley": {"electricity": 3100, "service": 4000},
                   "peak":   {"electricity": 11300, "service": 8000}},
        "periods": [["00:00", "08:00", "valley"], ["08:00", "24:00", "peak"]]})"));
}

// A sample every 17 s with a power that changes, so interpolation and rounding both matter.
std::vector<Sample> session_samples() {
    std::vector<Sample> out;
    const kw::UtcMs start = parse_utc("2026-05-31T23:50:00Z");
    std::int64_t wh = 123456;
    for (int i = 0; i <= 30 * 60 / 17; ++i) {
        out.push_back({start + i * 17000LL, wh});
        wh += 20 + (i * 7) % 31;  // 20..50 Wh per 17 s (about 4-10 kW)
    }
    return out;
}

// The billing samples the server keeps (service/running.cpp): the start, one every persist
// interval, both samples around a boundary, and the end.
std::vector<Sample> persisted(const Tariff& t, const std::vector<Sample>& all, kw::UtcMs interval) {
    std::vector<Sample> out{all.front()};
    kw::UtcMs persisted_at = all.front().at;
    for (std::size_t i = 1; i < all.size(); ++i) {
        const bool boundary = !kw::domain::period_boundaries(t, kTz, all[i - 1].at, all[i].at).empty();
        if (boundary) out.push_back(all[i - 1]);
        if (boundary || all[i].at - persisted_at >= interval || i + 1 == all.size()) {
            out.push_back(all[i]);
            persisted_at = all[i].at;
        }
    }
    return out;
}

void expect_same_amounts(const Bill& a, const Bill& b) {
    EXPECT_EQ(a.energy_wh, b.energy_wh);
    EXPECT_EQ(a.electricity_fen, b.electricity_fen);
    EXPECT_EQ(a.service_fen, b.service_fen);
    EXPECT_EQ(a.total_fen, b.total_fen);
}

TEST(RunningEstimate, AtTheEndEqualsTheBillOfASessionCrossingATariffBoundary) {
    const Tariff t = two_period_tariff();
    const auto all = session_samples();
    BillProgress progress;
    for (const Sample& s : all) kw::domain::add_sample(t, kTz, progress, s);
    const Bill estimate = kw::domain::bill_so_far(t, kTz, progress);
    const Bill bill = kw::domain::bill_session(t, kTz, persisted(t, all, 5 * 60 * 1000));
    ASSERT_EQ(bill.segments.size(), 2u);  // valley then peak: the boundary was crossed
    EXPECT_GT(bill.segments[0].energy_wh, 0);
    EXPECT_GT(bill.segments[1].energy_wh, 0);
    expect_same_amounts(estimate, bill);
    EXPECT_EQ(estimate.energy_wh, all.back().wh - all.front().wh);
}

TEST(RunningEstimate, AfterEverySampleEqualsTheBillOfTheSamplesSoFar) {
    const Tariff t = two_period_tariff();
    const auto all = session_samples();
    BillProgress progress;
    std::vector<Sample> so_far;
    for (const Sample& s : all) {
        kw::domain::add_sample(t, kTz, progress, s);
        so_far.push_back(s);
        const Bill estimate = kw::domain::bill_so_far(t, kTz, progress);
        const Bill bill = kw::domain::bill_session(t, kTz, so_far);
        ASSERT_EQ(estimate.total_fen, bill.total_fen) << "after " << so_far.size() << " samples";
        ASSERT_EQ(estimate.energy_wh, bill.energy_wh) << "after " << so_far.size() << " samples";
    }
}

TEST(RunningEstimate, ASampleNotLaterThanTheLastChangesNothing) {
    const Tariff t = two_period_tariff();
    const auto all = session_samples();
    BillProgress progress;
    for (std::size_t i = 0; i < 10; ++i) kw::domain::add_sample(t, kTz, progress, all[i]);
    const Bill before = kw::domain::bill_so_far(t, kTz, progress);
    kw::domain::add_sample(t, kTz, progress, {all[9].at, all[9].wh + 500});
    kw::domain::add_sample(t, kTz, progress, {all[3].at, all[3].wh});
    expect_same_amounts(kw::domain::bill_so_far(t, kTz, progress), before);
}

TEST(RunningEstimate, ASessionEndingExactlyAtTheBoundaryHasNoEmptySegment) {
    const Tariff t = two_period_tariff();
    const std::vector<Sample> s = {{parse_utc("2026-05-31T23:40:00Z"), 1000},
                                   {parse_utc("2026-06-01T00:00:00Z"), 3000}};
    BillProgress progress;
    for (const Sample& x : s) kw::domain::add_sample(t, kTz, progress, x);
    const Bill bill = kw::domain::bill_session(t, kTz, s);
    ASSERT_EQ(bill.segments.size(), 1u);
    EXPECT_EQ(bill.segments[0].energy_wh, 2000);
    expect_same_amounts(kw::domain::bill_so_far(t, kTz, progress), bill);
    // 2000 Wh at valley prices: 3100 and 4000 per 10000 yuan/kWh -> 62 + 80 fen.
    EXPECT_EQ(bill.total_fen, 62 + 80);
}

}  // namespace
