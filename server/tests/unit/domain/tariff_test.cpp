#include "domain/tariff.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <boost/json.hpp>
#include <fstream>
#include <functional>
#include <sstream>

#include "domain/error.hpp"

namespace {

namespace json = boost::json;
using kw::parse_utc;
using kw::domain::Bill;
using kw::domain::PeriodKind;
using kw::domain::Sample;
using kw::domain::Tariff;
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

json::value read_json(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    return json::parse(ss.str());
}

const json::value& reference() {
    static const json::value doc = read_json(std::string(KW_TEST_DATA) + "/tariff-cases.json");
    return doc;
}

Tariff reference_tariff() { return kw::domain::parse_tariff(reference().at("tariff")); }

// The reference tariff's spec with one member replaced, for validation tests.
json::value spec_with(std::string_view key, json::value v) {
    json::value spec = reference().at("tariff");
    spec.as_object()[key] = std::move(v);
    return spec;
}

json::value periods(std::initializer_list<std::array<const char*, 3>> rows) {
    json::array out;
    for (const auto& r : rows) out.push_back(json::array{r[0], r[1], r[2]});
    return out;
}

std::vector<Sample> linear_samples(const char* from, const char* to, std::int64_t step_ms,
                                   std::int64_t wh_per_hour) {
    std::vector<Sample> out;
    kw::UtcMs start = parse_utc(from);
    for (kw::UtcMs t = start; t <= parse_utc(to); t += step_ms) {
        out.push_back({t, (t - start) * wh_per_hour / 3'600'000});
    }
    return out;
}

// ---- the reference cases: computed outside the project ----

TEST(BillSession, EveryReferenceCaseComesOutExactly) {
    const Tariff tariff = reference_tariff();
    const json::array& cases = reference().at("cases").as_array();
    ASSERT_GE(cases.size(), 10u);
    for (const json::value& c : cases) {
        SCOPED_TRACE(std::string(c.at("title").as_string()));
        std::vector<Sample> samples;
        for (const json::value& s : c.at("samples").as_array()) {
            samples.push_back(
                {parse_utc(std::string(s.at(0).as_string())), s.at(1).to_number<std::int64_t>()});
        }
        const std::string tz(c.at("timezone").as_string());
        Bill bill = kw::domain::bill_session(tariff, tz, samples);

        const json::array& expected = c.at("segments").as_array();
        ASSERT_EQ(bill.segments.size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            SCOPED_TRACE("segment " + std::to_string(i));
            const json::value& e = expected[i];
            const auto& seg = bill.segments[i];
            EXPECT_EQ(kw::domain::to_string(seg.kind), e.at("kind").as_string());
            EXPECT_EQ(kw::format_utc(seg.start), e.at("start").as_string());
            EXPECT_EQ(kw::format_utc(seg.end), e.at("end").as_string());
            EXPECT_EQ(seg.energy_wh, e.at("energy_wh").to_number<std::int64_t>());
            EXPECT_EQ(seg.electricity_fen, e.at("electricity_fen").to_number<std::int64_t>());
            EXPECT_EQ(seg.service_fen, e.at("service_fen").to_number<std::int64_t>());
        }
        const json::value& totals = c.at("totals");
        EXPECT_EQ(bill.energy_wh, totals.at("energy_wh").to_number<std::int64_t>());
        EXPECT_EQ(bill.electricity_fen, totals.at("electricity_fen").to_number<std::int64_t>());
        EXPECT_EQ(bill.service_fen, totals.at("service_fen").to_number<std::int64_t>());
        EXPECT_EQ(bill.total_fen, totals.at("total_fen").to_number<std::int64_t>());

        // The JSON form carries the same numbers in the same shape as the reference.
        json::object j = kw::domain::bill_to_json(bill);
        EXPECT_EQ(j.at("segments"), c.at("segments"));
        for (const char* k : {"energy_wh", "electricity_fen", "service_fen", "total_fen"}) {
            EXPECT_EQ(j.at(k), totals.at(k)) << k;
        }
    }
}

// ---- billing edge cases ----

TEST(BillSession, FewerThanTwoSamplesGiveAnEmptyBill) {
    const Tariff tariff = reference_tariff();
    for (const auto& samples :
         {std::vector<Sample>{}, std::vector<Sample>{{parse_utc("2026-06-01T01:00:00Z"), 5}}}) {
        Bill bill = kw::domain::bill_session(tariff, "Asia/Shanghai", samples);
        EXPECT_TRUE(bill.segments.empty());
        EXPECT_EQ(bill.energy_wh, 0);
        EXPECT_EQ(bill.total_fen, 0);
    }
}

TEST(BillSession, UnsortedAndDuplicateSamplesAreSortedAndTheLastDuplicateWins) {
    const Tariff tariff = reference_tariff();
    const kw::UtcMs t0 = parse_utc("2026-06-01T06:00:00Z");  // 14:00 local, flat
    std::vector<Sample> samples{{t0 + 600'000, 900}, {t0, 0}, {t0 + 300'000, 100}, {t0 + 600'000, 1000}};
    Bill bill = kw::domain::bill_session(tariff, "Asia/Shanghai", samples);
    ASSERT_EQ(bill.segments.size(), 1u);
    EXPECT_EQ(bill.segments[0].start, t0);
    EXPECT_EQ(bill.segments[0].end, t0 + 600'000);
    EXPECT_EQ(bill.energy_wh, 1000);
}

TEST(BillSession, MeterGoingBackwardsAddsNoEnergyForThatStep) {
    const Tariff tariff = reference_tariff();
    const kw::UtcMs t0 = parse_utc("2026-06-01T06:00:00Z");
    // 0 -> 500 (+500), reset to 20 (+0), 20 -> 320 (+300).
    std::vector<Sample> samples{{t0, 0}, {t0 + 60'000, 500}, {t0 + 120'000, 20}, {t0 + 180'000, 320}};
    Bill bill = kw::domain::bill_session(tariff, "Asia/Shanghai", samples);
    EXPECT_EQ(bill.energy_wh, 800);
    ASSERT_EQ(bill.segments.size(), 1u);
    EXPECT_EQ(bill.segments[0].energy_wh, 800);
}

TEST(BillSession, SegmentEnergiesAlwaysAddUpToTheMeterDifference) {
    const Tariff tariff = reference_tariff();
    std::vector<Sample> samples{{parse_utc("2026-06-01T01:47:13Z"), 17},
                                {parse_utc("2026-06-01T03:31:07Z"), 9'999},
                                {parse_utc("2026-06-01T09:02:59Z"), 77'777}};
    Bill bill = kw::domain::bill_session(tariff, "Asia/Shanghai", samples);
    std::int64_t sum = 0, fees = 0;
    for (const auto& s : bill.segments) {
        sum += s.energy_wh;
        fees += s.electricity_fen + s.service_fen;
    }
    EXPECT_EQ(sum, 77'777 - 17);
    EXPECT_EQ(bill.energy_wh, 77'777 - 17);
    EXPECT_EQ(bill.total_fen, fees);
    EXPECT_EQ(bill.segments.size(), 5u);  // flat, peak, sharp, flat, peak
}

TEST(BillSession, UnknownTimezoneIsBadRequest) {
    const Tariff tariff = reference_tariff();
    std::vector<Sample> samples{{0, 0}, {60'000, 10}};
    EXPECT_THAT(bad_request_message([&] { kw::domain::bill_session(tariff, "Mars/Olympus_Mons", samples); }),
                HasSubstr("Mars/Olympus_Mons"));
}

// ---- DST: local wall-clock periods, real elapsed time ----

// valley until 02:30 local, flat afterwards: 02:30 is skipped on the spring night and happens twice
// on the autumn night in Berlin.
Tariff dst_tariff() {
    return kw::domain::parse_tariff(
        spec_with("periods", periods({{"00:00", "02:30", "valley"}, {"02:30", "24:00", "flat"}})));
}

TEST(BillSessionDst, SpringForwardSwitchesAtTheJumpAndBillsRealHours) {
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00Z; local 02:30 never happens.
    Bill bill = kw::domain::bill_session(
        dst_tariff(), "Europe/Berlin",
        linear_samples("2026-03-29T00:00:00Z", "2026-03-29T02:00:00Z", 600'000, 10'000));
    ASSERT_EQ(bill.segments.size(), 2u);
    EXPECT_EQ(bill.segments[0].kind, PeriodKind::valley);
    EXPECT_EQ(kw::format_utc(bill.segments[0].end), "2026-03-29T01:00:00Z");
    EXPECT_EQ(bill.segments[0].energy_wh, 10'000);  // one real hour, though local 01:00 -> 03:00
    EXPECT_EQ(bill.segments[1].kind, PeriodKind::flat);
    EXPECT_EQ(bill.segments[1].energy_wh, 10'000);
}

TEST(BillSessionDst, FallBackRepeatsTheWallClockBoundary) {
    // 2026-10-25: 03:00 CEST falls back to 02:00 CET at 01:00Z; local 02:30 happens at 00:30Z and 01:30Z.
    Bill bill = kw::domain::bill_session(
        dst_tariff(), "Europe/Berlin",
        linear_samples("2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z", 600'000, 10'000));
    ASSERT_EQ(bill.segments.size(), 4u);
    const PeriodKind kinds[] = {PeriodKind::valley, PeriodKind::flat, PeriodKind::valley, PeriodKind::flat};
    const char* starts[] = {"2026-10-25T00:00:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z",
                            "2026-10-25T01:30:00Z"};
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(bill.segments[i].kind, kinds[i]) << i;
        EXPECT_EQ(kw::format_utc(bill.segments[i].start), starts[i]) << i;
        EXPECT_EQ(bill.segments[i].energy_wh, 5'000) << i;
    }
}

// ---- period_at / price_at / period_boundaries ----

TEST(PeriodAt, FollowsLocalWallClockInTheStationZone) {
    const Tariff t = reference_tariff();
    const std::string sh = "Asia/Shanghai";
    EXPECT_EQ(kw::domain::period_at(t, sh, parse_utc("2026-06-01T03:30:00Z")), PeriodKind::sharp);  // 11:30
    EXPECT_EQ(kw::domain::period_at(t, sh, parse_utc("2026-06-01T03:30:00Z") - 1), PeriodKind::peak);
    EXPECT_EQ(kw::domain::period_at(t, sh, parse_utc("2026-06-01T00:00:00Z")), PeriodKind::flat);  // 08:00
    EXPECT_EQ(kw::domain::period_at(t, sh, parse_utc("2026-05-31T23:59:59Z")),
              PeriodKind::valley);  // 07:59:59
    EXPECT_EQ(kw::domain::period_at(t, sh, parse_utc("2026-06-01T15:59:00Z")), PeriodKind::valley);  // 23:59
    EXPECT_EQ(kw::domain::period_at(t, sh, parse_utc("2026-06-01T16:00:00Z")), PeriodKind::valley);  // 00:00
    EXPECT_EQ(kw::domain::period_at(t, sh, parse_utc("2026-06-01T09:00:00Z")), PeriodKind::peak);    // 17:00
    // The same instant is 11:30 in Shanghai and 05:30 in Berlin (CEST).
    EXPECT_EQ(kw::domain::period_at(t, "Europe/Berlin", parse_utc("2026-06-01T03:30:00Z")),
              PeriodKind::valley);
    EXPECT_EQ(kw::domain::period_at(t, "UTC", parse_utc("2026-06-01T11:45:00Z")), PeriodKind::sharp);
}

TEST(PeriodAt, UnknownTimezoneIsBadRequest) {
    EXPECT_THAT(bad_request_message([] { kw::domain::period_at(reference_tariff(), "Asia/Atlantis", 0); }),
                HasSubstr("unknown timezone"));
    EXPECT_THAT(bad_request_message([] { kw::domain::period_at(reference_tariff(), "", 0); }),
                HasSubstr("timezone"));
}

TEST(PriceAt, ReturnsThePriceOfThePeriodInForce) {
    auto p = kw::domain::price_at(reference_tariff(), "Asia/Shanghai",
                                  parse_utc("2026-06-01T04:00:00Z"));  // 12:00
    EXPECT_EQ(p.electricity, 12851);
    EXPECT_EQ(p.service, 8000);
}

TEST(PeriodBoundaries, ListsKindChangesInHalfOpenRangeAndJoinsMidnight) {
    auto b =
        kw::domain::period_boundaries(reference_tariff(), "Asia/Shanghai", parse_utc("2026-06-01T00:00:00Z"),
                                      parse_utc("2026-06-02T00:00:00Z"));
    std::vector<std::string> got;
    for (auto t : b) got.push_back(kw::format_utc(t));
    // 10:00 11:30 13:00 17:00 21:00 23:00 local, no midnight (valley->valley), then 08:00 == `to`.
    EXPECT_THAT(got,
                ::testing::ElementsAre("2026-06-01T02:00:00Z", "2026-06-01T03:30:00Z", "2026-06-01T05:00:00Z",
                                       "2026-06-01T09:00:00Z", "2026-06-01T13:00:00Z", "2026-06-01T15:00:00Z",
                                       "2026-06-02T00:00:00Z"));
}

TEST(PeriodBoundaries, EmptyWhenNothingChangesOrRangeIsEmpty) {
    const Tariff t = reference_tariff();
    EXPECT_TRUE(kw::domain::period_boundaries(t, "Asia/Shanghai", parse_utc("2026-06-01T15:00:00Z"),
                                              parse_utc("2026-06-02T00:00:00Z") - 1)
                    .empty());  // 23:00 .. 07:59:59.999, all valley
    EXPECT_TRUE(kw::domain::period_boundaries(t, "Asia/Shanghai", 5, 5).empty());
    EXPECT_TRUE(kw::domain::period_boundaries(t, "Asia/Shanghai", 10, 5).empty());
}

// ---- parse_tariff / tariff_to_json ----

TEST(ParseTariff, ReferenceTariffRoundTripsThroughJson) {
    Tariff t = reference_tariff();
    EXPECT_EQ(t.periods.size(), 8u);
    EXPECT_EQ(t.prices.at(PeriodKind::valley).electricity, 3135);
    json::object spec = reference().at("tariff").as_object();
    spec.erase("name");
    EXPECT_EQ(json::value(kw::domain::tariff_to_json(t)), json::value(spec));
    Tariff again = kw::domain::parse_tariff(kw::domain::tariff_to_json(t));
    EXPECT_EQ(json::value(kw::domain::tariff_to_json(again)), json::value(spec));
}

TEST(ParseTariff, SinglePeriodAllDayIsValid) {
    json::value spec = json::parse(R"({"prices":{"flat":{"electricity":5000,"service":0}},
                                       "periods":[["00:00","24:00","flat"]]})");
    Tariff t = kw::domain::parse_tariff(spec);
    EXPECT_EQ(kw::domain::period_at(t, "Asia/Shanghai", 0), PeriodKind::flat);
}

struct BadSpec {
    const char* name;
    std::function<json::value()> spec;
    const char* message_part;
};

TEST(ParseTariff, RejectsInvalidSpecsWithAMessageNamingTheProblem) {
    const std::vector<BadSpec> cases{
        {"gap",
         [] {
             return spec_with("periods", periods({{"00:00", "08:00", "valley"}, {"09:00", "24:00", "flat"}}));
         },
         "gap between 08:00 and 09:00"},
        {"gap at start",
         [] {
             return spec_with("periods", periods({{"01:00", "24:00", "flat"}}));
         },
         "start at 00:00"},
        {"gap at end",
         [] {
             return spec_with("periods", periods({{"00:00", "23:00", "flat"}}));
         },
         "end at 24:00"},
        {"overlap",
         [] {
             return spec_with("periods", periods({{"00:00", "09:00", "valley"}, {"08:00", "24:00", "flat"}}));
         },
         "overlap"},
        {"unsorted",
         [] {
             return spec_with("periods", periods({{"00:00", "08:00", "valley"},
                                                  {"12:00", "24:00", "flat"},
                                                  {"08:00", "12:00", "peak"}}));
         },
         "not sorted"},
        {"unknown kind",
         [] {
             return spec_with("periods", periods({{"00:00", "24:00", "cheap"}}));
         },
         "unknown period kind \"cheap\""},
        {"bad HH:MM",
         [] {
             return spec_with("periods", periods({{"00:00", "8:00", "valley"}, {"8:00", "24:00", "flat"}}));
         },
         "invalid end \"8:00\""},
        {"minute out of range",
         [] {
             return spec_with("periods", periods({{"00:00", "08:60", "valley"}, {"08:60", "24:00", "flat"}}));
         },
         "invalid end \"08:60\""},
        {"24:00 as start",
         [] {
             return spec_with("periods", periods({{"00:00", "24:00", "flat"}, {"24:00", "24:00", "flat"}}));
         },
         "invalid start \"24:00\""},
        {"hour 25",
         [] {
             return spec_with("periods", periods({{"00:00", "25:00", "flat"}}));
         },
         "invalid end \"25:00\""},
        {"start not before end",
         [] {
             return spec_with("periods", periods({{"00:00", "00:00", "flat"}, {"00:00", "24:00", "flat"}}));
         },
         "is not before end"},
        {"period not a triple", [] { return spec_with("periods", json::parse(R"([["00:00","24:00"]])")); },
         "periods[0]"},
        {"no periods", [] { return spec_with("periods", json::array{}); }, "at least one period"},
        {"too many periods",
         [] {
             json::array a;
             for (int i = 0; i < 49; ++i) {
                 a.push_back(json::array{"00:00", "24:00", "flat"});
             }
             return spec_with("periods", a);
         },
         "more than 48 periods"},
        {"negative price",
         [] {
             return spec_with(
                 "prices",
                 json::parse(
                     R"({"flat":{"electricity":-1,"service":0},"valley":{"electricity":1,"service":1},"peak":{"electricity":1,"service":1},"sharp":{"electricity":1,"service":1}})"));
         },
         "flat.electricity must not be negative"},
        {"fractional price",
         [] {
             return spec_with(
                 "prices",
                 json::parse(
                     R"({"flat":{"electricity":1.5,"service":0},"valley":{"electricity":1,"service":1},"peak":{"electricity":1,"service":1},"sharp":{"electricity":1,"service":1}})"));
         },
         "flat.electricity must be an integer"},
        {"string price",
         [] {
             return spec_with(
                 "prices",
                 json::parse(
                     R"({"flat":{"electricity":"1","service":0},"valley":{"electricity":1,"service":1},"peak":{"electricity":1,"service":1},"sharp":{"electricity":1,"service":1}})"));
         },
         "must be an integer"},
        {"huge price",
         [] {
             return spec_with("prices",
                              json::parse(R"({"flat":{"electricity":18446744073709551615,"service":0}})"));
         },
         "above the maximum"},
        {"missing price for used kind",
         [] {
             return spec_with(
                 "prices",
                 json::parse(
                     R"({"flat":{"electricity":1,"service":1},"peak":{"electricity":1,"service":1},"sharp":{"electricity":1,"service":1}})"));
         },
         "no price for period kind \"valley\""},
        {"price without service",
         [] { return spec_with("prices", json::parse(R"({"flat":{"electricity":1}})")); },
         "needs \"service\""},
        {"unknown price kind",
         [] { return spec_with("prices", json::parse(R"({"super":{"electricity":1,"service":1}})")); },
         "unknown period kind \"super\""},
        {"unknown price member",
         [] { return spec_with("prices", json::parse(R"({"flat":{"electricity":1,"service":1,"tax":1}})")); },
         "unknown member \"tax\""},
        {"prices not an object", [] { return spec_with("prices", json::array{}); },
         "\"prices\" must be an object"},
        {"no prices",
         [] {
             json::value v = reference().at("tariff");
             v.as_object().erase("prices");
             return v;
         },
         "needs \"prices\""},
        {"not an object", [] { return json::value(json::array{}); }, "must be a JSON object"},
    };
    for (const auto& c : cases) {
        EXPECT_THAT(bad_request_message([&] { kw::domain::parse_tariff(c.spec()); }),
                    HasSubstr(c.message_part))
            << c.name;
    }
}

TEST(PeriodKindNames, RoundTripAndUnknownIsBadRequest) {
    for (auto k : {PeriodKind::sharp, PeriodKind::peak, PeriodKind::flat, PeriodKind::valley}) {
        EXPECT_EQ(kw::domain::period_kind_from_string(kw::domain::to_string(k)), k);
    }
    EXPECT_THAT(bad_request_message([] { kw::domain::period_kind_from_string("Peak"); }), HasSubstr("Peak"));
}

}  // namespace
