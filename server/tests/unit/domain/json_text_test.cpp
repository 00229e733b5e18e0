#include "domain/json_text.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <limits>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace {

using kw::domain::to_json;

std::string num(double d) { return to_json(boost::json::value(d)); }

TEST(JsonText, CoordinatesAreWrittenAsPlainShortestDecimals) {
    EXPECT_EQ(num(121.4737), "121.4737");
    EXPECT_EQ(num(31.2304), "31.2304");
    EXPECT_EQ(num(-73.985428), "-73.985428");
    EXPECT_EQ(num(0.1 + 0.2), "0.30000000000000004");  // shortest form that reads back exactly
}

TEST(JsonText, MoneyLikeAndIntegralDoublesHaveNoExponentAndNoTrailingZero) {
    EXPECT_EQ(num(0.5), "0.5");
    EXPECT_EQ(num(12.34), "12.34");
    EXPECT_EQ(num(100.0), "100");
    EXPECT_EQ(num(1000000.0), "1000000");
    EXPECT_EQ(num(120.0), "120");
}

TEST(JsonText, TinyAndHugeDoublesSwitchToExponentWhereJavaScriptDoes) {
    EXPECT_EQ(num(0.000001), "0.000001");
    EXPECT_EQ(num(1e-7), "1e-7");
    EXPECT_EQ(num(1.5e-10), "1.5e-10");
    EXPECT_EQ(num(1e20), "100000000000000000000");
    EXPECT_EQ(num(1e21), "1e+21");
    EXPECT_EQ(num(1.7976931348623157e308), "1.7976931348623157e+308");
    EXPECT_EQ(num(5e-324), "5e-324");
}

TEST(JsonText, NegativeZeroIsWrittenAsZero) {
    EXPECT_EQ(num(-0.0), "0");
    EXPECT_EQ(num(0.0), "0");
}

TEST(JsonText, NonFiniteDoublesAreWrittenAsNullNeverAsInvalidJson) {
    EXPECT_EQ(num(std::numeric_limits<double>::quiet_NaN()), "null");
    EXPECT_EQ(num(std::numeric_limits<double>::infinity()), "null");
    EXPECT_EQ(num(-std::numeric_limits<double>::infinity()), "null");
    const std::string text = to_json(boost::json::object{{"lat", std::nan("")}, {"lng", 121.5}});
    EXPECT_EQ(text, R"({"lat":null,"lng":121.5})");
    EXPECT_NO_THROW(boost::json::parse(text));
}

TEST(JsonText, EveryWrittenDoubleReadsBackToTheSameValue) {
    // std::from_chars reads correctly rounded (Boost.JSON 1.81's parser may be off by one ulp).
    for (double d : {121.4737, 31.2304, 0.1, 2.0 / 3.0, 1e-7, 123456789.123, 1e300, -4.9e-324, 7e22}) {
        const std::string text = num(d);
        double back = 0;
        const auto r = std::from_chars(text.data(), text.data() + text.size(), back);
        EXPECT_EQ(r.ptr, text.data() + text.size()) << text;
        EXPECT_EQ(back, d) << text;
    }
}

TEST(JsonText, DoubleTextForRedisFieldsIsTheJsonNumberText) {
    EXPECT_EQ(kw::domain::double_text(230.5), "230.5");
    EXPECT_EQ(kw::domain::double_text(0.0000001), "1e-7");  // std::to_string wrote 0.000000
    EXPECT_EQ(kw::domain::double_text(16.0), "16");
}

TEST(JsonText, WritesIntegersStringsAndNestingLikeBoostJson) {
    const boost::json::value v = boost::json::parse(
        R"({"id":9223372036854775807,"u":18446744073709551615,"neg":-5,"ok":true,"no":false,"n":null,)"
        R"("s":"a\"b\\c\n\t\u0001/\u00e9","arr":[1,[],{}],"o":{"x":"y"}})");
    EXPECT_EQ(to_json(v), boost::json::serialize(v));  // same bytes where no double is involved
    EXPECT_EQ(to_json(boost::json::value("\x7f\b\f\r")), "\"\x7f\\b\\f\\r\"");
}

}  // namespace
