#include "domain/money.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "domain/error.hpp"

namespace {

using kw::domain::checked_add;
using kw::domain::checked_mul;
using kw::domain::mul_div_round_half_up;
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

template <class F>
std::string overflow_message(F&& f) {
    try {
        f();
    } catch (const kw::Error& e) {
        return e.errc() == kw::Errc::bad_request ? e.what() : "<wrong errc>";
    }
    return "<no exception>";
}

TEST(CheckedArithmetic, AddsAndMultipliesInRange) {
    EXPECT_EQ(checked_add(2, 3, "x"), 5);
    EXPECT_EQ(checked_add(kMax - 1, 1, "x"), kMax);
    EXPECT_EQ(checked_add(-5, 3, "x"), -2);
    EXPECT_EQ(checked_mul(1'000'000, 15'000, "x"), 15'000'000'000);
    EXPECT_EQ(checked_mul(kMax, 1, "x"), kMax);
    EXPECT_EQ(checked_mul(0, kMax, "x"), 0);
}

TEST(CheckedArithmetic, OverflowThrowsNamingWhatOverflowedInsteadOfWrapping) {
    EXPECT_EQ(overflow_message([] { checked_add(kMax, 1, "running estimate"); }),
              "running estimate is out of range (integer overflow)");
    EXPECT_NE(overflow_message([] { checked_add(kMin, -1, "x"); }), "<no exception>");
    // A forged register near INT64_MAX times a price: the product that used to wrap negative.
    EXPECT_EQ(overflow_message([] { checked_mul(kMax / 2, 15'000, "running estimate"); }),
              "running estimate is out of range (integer overflow)");
    EXPECT_NE(overflow_message([] { checked_mul(kMin, -1, "x"); }), "<no exception>");
}

TEST(CheckedArithmetic, MulDivRoundsHalfUpWithA128BitProduct) {
    EXPECT_EQ(mul_div_round_half_up(1500, 15000, 100000, "fee"), 225);
    EXPECT_EQ(mul_div_round_half_up(1, 50000, 100000, "fee"), 1);   // 0.5 rounds up
    EXPECT_EQ(mul_div_round_half_up(1, 49999, 100000, "fee"), 0);
    // The product needs more than 64 bits but the quotient fits.
    EXPECT_EQ(mul_div_round_half_up(kMax / 10, 1'000'000, 1'000'000, "fee"), kMax / 10);
}

TEST(CheckedArithmetic, MulDivRefusesAQuotientBeyond64BitsAndNegativeInput) {
    EXPECT_EQ(overflow_message([] { mul_div_round_half_up(kMax, 1'000'000, 100'000, "electricity fee"); }),
              "electricity fee is out of range (integer overflow)");
    EXPECT_NE(overflow_message([] { mul_div_round_half_up(-1, 10, 1, "fee"); }), "<no exception>");
    EXPECT_NE(overflow_message([] { mul_div_round_half_up(1, 10, 0, "fee"); }), "<no exception>");
}

}  // namespace
