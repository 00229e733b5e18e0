#include "domain/clock.hpp"

#include <date/date.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "domain/error.hpp"

namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The message of the kw::Error(bad_request) that f throws, or a marker that matches nothing useful.
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

constexpr kw::UtcMs kJune1At01 = 1780275600000;  // 2026-06-01T01:00:00Z

TEST(FormatUtc, WholeSecondsHaveNoFraction) {
    EXPECT_EQ(kw::format_utc(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(kw::format_utc(kJune1At01), "2026-06-01T01:00:00Z");
}

TEST(FormatUtc, MillisecondsAppearOnlyWhenNonZero) {
    EXPECT_EQ(kw::format_utc(kJune1At01 + 250), "2026-06-01T01:00:00.250Z");
    EXPECT_EQ(kw::format_utc(kJune1At01 + 5), "2026-06-01T01:00:00.005Z");
    EXPECT_EQ(kw::format_utc(kJune1At01 + 999), "2026-06-01T01:00:00.999Z");
}

TEST(FormatUtc, TimesBeforeEpochFloorToTheSecond) {
    EXPECT_EQ(kw::format_utc(-1), "1969-12-31T23:59:59.999Z");
}

// The date library's own formatting is the oracle for the digit-by-digit one, over leap days,
// century years, times before 1970 and years beyond 9999 (which take the library's way).
TEST(FormatUtc, WritesWhatTheDateLibraryWritesFromYear1600To12000) {
    auto oracle = [](kw::UtcMs t) {
        const date::sys_time<std::chrono::milliseconds> tp{std::chrono::milliseconds{t}};
        const auto secs = date::floor<std::chrono::seconds>(tp);
        const auto ms = (tp - secs).count();
        std::string out = date::format("%FT%T", secs);
        if (ms != 0) out += "." + std::to_string(1000 + ms).substr(1);
        return out + "Z";
    };
    const kw::UtcMs from = -11'676'096'000'000;  // 1600-01-01
    const kw::UtcMs to = 316'500'000'000'000;    // year 12000
    int checked = 0;
    for (kw::UtcMs t = from; t < to; t += 9'876'543'211 + checked % 1000, ++checked)
        ASSERT_EQ(kw::format_utc(t), oracle(t)) << t;
    for (const char* day : {"2000-02-29", "2100-02-28", "2100-03-01", "2400-02-29", "1900-03-01"}) {
        const kw::UtcMs t = kw::parse_utc(std::string(day) + "T23:59:59.001Z");
        EXPECT_EQ(kw::format_utc(t), std::string(day) + "T23:59:59.001Z");
        EXPECT_EQ(kw::format_utc(t + 999), oracle(t + 999));
    }
    EXPECT_GT(checked, 30'000);
}

TEST(ParseUtc, ReadsZuluTime) {
    EXPECT_EQ(kw::parse_utc("2026-06-01T01:00:00Z"), kJune1At01);
    EXPECT_EQ(kw::parse_utc("1970-01-01T00:00:00Z"), 0);
}

TEST(ParseUtc, ReadsFractionsAsMilliseconds) {
    EXPECT_EQ(kw::parse_utc("2026-06-01T01:00:00.250Z"), kJune1At01 + 250);
    EXPECT_EQ(kw::parse_utc("2026-06-01T01:00:00.5Z"), kJune1At01 + 500);
    EXPECT_EQ(kw::parse_utc("2026-06-01T01:00:00.123456789Z"), kJune1At01 + 123);
}

TEST(ParseUtc, AppliesOffsets) {
    EXPECT_EQ(kw::parse_utc("2026-06-01T01:00:00+00:00"), kJune1At01);
    EXPECT_EQ(kw::parse_utc("2026-06-01T09:00:00+08:00"), kJune1At01);
    EXPECT_EQ(kw::parse_utc("2026-05-31T20:30:00-04:30"), kJune1At01);
    EXPECT_EQ(kw::parse_utc("2026-06-01T09:00:00.250+08:00"), kJune1At01 + 250);
}

TEST(ParseUtc, RoundTripsFormat) {
    for (kw::UtcMs t : {kw::UtcMs{0}, kJune1At01, kJune1At01 + 1, kJune1At01 + 86'399'999, kw::UtcMs{-1},
                        kw::UtcMs{4102444800000}}) {
        EXPECT_EQ(kw::parse_utc(kw::format_utc(t)), t) << kw::format_utc(t);
    }
}

TEST(ParseUtc, LeapDayIsAccepted) { EXPECT_NO_THROW(kw::parse_utc("2028-02-29T00:00:00Z")); }

TEST(ParseUtc, RejectsMalformedTextWithBadRequest) {
    for (const char* text : {"",
                             "2026-06-01",
                             "2026-06-01T01:00:00",
                             "2026-06-01 01:00:00Z",
                             "2026-6-01T01:00:00Z",
                             "2026-06-01T1:00:00Z",
                             "2026-13-01T00:00:00Z",
                             "2026-02-29T00:00:00Z",
                             "2026-06-31T00:00:00Z",
                             "2026-06-01T24:00:00Z",
                             "2026-06-01T23:60:00Z",
                             "2026-06-01T23:59:60Z",
                             "2026-06-01T01:00:00Zjunk",
                             "2026-06-01T01:00:00+0800",
                             "2026-06-01T01:00:00+08",
                             "2026-06-01T01:00:00+24:00",
                             "2026-06-01T01:00:00.Z",
                             "2026-06-01T01:00:00.1234567890Z",
                             "2026-06-01T01:00:00z",
                             " 2026-06-01T01:00:00Z",
                             "2026-06-01T01:00:00Z ",
                             "abcd-ef-ghTij:kl:mnZ"}) {
        EXPECT_THAT(bad_request_message([&] { kw::parse_utc(text); }), StartsWith("invalid time: "))
            << "input: \"" << text << "\"";
    }
}

TEST(ParseUtc, MessageQuotesTheInput) {
    EXPECT_THAT(bad_request_message([] { kw::parse_utc("yesterday"); }), HasSubstr("yesterday"));
}

}  // namespace
