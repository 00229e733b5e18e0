// OCPP-J framing: parsing the three message types, refusing what is not OCPP-J, and the error
// names each version spells its own way.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "rpc.hpp"
#include "timestamp.hpp"

namespace kw::ocpp {
namespace {

TEST(OcppRpc, ParsesACall) {
    auto f = parse_frame(R"([2,"19223201","BootNotification",{"chargePointVendor":"VendorX"}])");
    ASSERT_TRUE(std::holds_alternative<Frame>(f));
    const auto& call = std::get<Call>(std::get<Frame>(f));
    EXPECT_EQ(call.id, "19223201");
    EXPECT_EQ(call.action, "BootNotification");
    EXPECT_EQ(call.payload.as_object().at("chargePointVendor").as_string(), "VendorX");
}

TEST(OcppRpc, ParsesAResultAndAnError) {
    auto r = parse_frame(R"([3,"7",{"status":"Accepted"}])");
    ASSERT_TRUE(std::holds_alternative<Frame>(r));
    EXPECT_EQ(std::get<CallResult>(std::get<Frame>(r)).id, "7");
    auto e = parse_frame(R"([4,"8","NotSupported","no",{}])");
    ASSERT_TRUE(std::holds_alternative<Frame>(e));
    EXPECT_EQ(std::get<CallError>(std::get<Frame>(e)).code, "NotSupported");
}

TEST(OcppRpc, NotJsonIsAFormatErrorWithoutAnIdToAnswer) {
    auto f = parse_frame("[2,\"1\",\"Heartbeat\",{");
    ASSERT_TRUE(std::holds_alternative<BadFrame>(f));
    EXPECT_EQ(std::get<BadFrame>(f).kind, ErrorKind::format);
    EXPECT_TRUE(std::get<BadFrame>(f).id.empty());
}

TEST(OcppRpc, ACallWhosePayloadIsNotAnObjectIsAFormatErrorAnsweredToItsId) {
    auto f = parse_frame(R"([2,"42","Heartbeat",[]])");
    ASSERT_TRUE(std::holds_alternative<BadFrame>(f));
    EXPECT_EQ(std::get<BadFrame>(f).kind, ErrorKind::format);
    EXPECT_EQ(std::get<BadFrame>(f).id, "42");
}

TEST(OcppRpc, AnIdLongerThan36CharactersIsRefused) {
    auto f = parse_frame(R"([2,"0123456789012345678901234567890123456","Heartbeat",{}])");
    ASSERT_TRUE(std::holds_alternative<BadFrame>(f));
    EXPECT_TRUE(std::get<BadFrame>(f).id.empty());
}

TEST(OcppRpc, UnknownMessageTypeIsRefused) {
    auto f = parse_frame(R"([5,"1","Heartbeat",{}])");
    ASSERT_TRUE(std::holds_alternative<BadFrame>(f));
    EXPECT_EQ(std::get<BadFrame>(f).id, "1");
}

TEST(OcppRpc, ErrorNamesFollowTheVersionsSpelling) {
    EXPECT_EQ(error_name(ErrorKind::format, Version::v16), "FormationViolation");
    EXPECT_EQ(error_name(ErrorKind::format, Version::v201), "FormatViolation");
    EXPECT_EQ(error_name(ErrorKind::occurrence, Version::v16), "OccurenceConstraintViolation");
    EXPECT_EQ(error_name(ErrorKind::occurrence, Version::v201), "OccurrenceConstraintViolation");
}

TEST(OcppRpc, BothSpellingsAreUnderstoodInbound) {
    EXPECT_EQ(error_kind_from_name("OccurenceConstraintViolation"), ErrorKind::occurrence);
    EXPECT_EQ(error_kind_from_name("OccurrenceConstraintViolation"), ErrorKind::occurrence);
    EXPECT_EQ(error_kind_from_name("FormationViolation"), ErrorKind::format);
    EXPECT_EQ(error_kind_from_name("FormatViolation"), ErrorKind::format);
    EXPECT_FALSE(error_kind_from_name("Oops").has_value());
}

TEST(OcppRpc, FormattedErrorCarriesTheVersionsName) {
    auto v = boost::json::parse(format_error("9", ErrorKind::occurrence, Version::v16, "missing idTag"));
    EXPECT_EQ(v.as_array().at(2).as_string(), "OccurenceConstraintViolation");
    EXPECT_EQ(v.as_array().at(1).as_string(), "9");
}

TEST(OcppRpc, SubprotocolTokens) {
    EXPECT_EQ(version_from_subprotocol("ocpp1.6"), Version::v16);
    EXPECT_EQ(version_from_subprotocol("ocpp2.0.1"), Version::v201);
    EXPECT_FALSE(version_from_subprotocol("ocpp1.5").has_value());
}

TEST(OcppTimestamp, ZuluAndOffsetsAreTheSameInstant) {
    const auto z = parse_timestamp("2026-06-01T01:00:00Z");
    ASSERT_TRUE(z.has_value());
    EXPECT_EQ(*z, 1780275600000);
    EXPECT_EQ(parse_timestamp("2026-06-01T03:00:00+02:00"), z);
    EXPECT_EQ(parse_timestamp("2026-06-01T03:00:00+02"), z);
    EXPECT_EQ(parse_timestamp("2026-06-01T03:00:00+0200"), z);
    EXPECT_EQ(parse_timestamp("2026-05-31T23:00:00-02:00"), z);
}

TEST(OcppTimestamp, NoOffsetIsUtcAndFractionsCount) {
    EXPECT_EQ(parse_timestamp("2026-06-01T01:00:00"), 1780275600000);
    EXPECT_EQ(parse_timestamp("2026-06-01T01:00:00.25Z"), 1780275600250);
    EXPECT_EQ(parse_timestamp("2026-06-01T01:00:00.123456Z"), 1780275600123);
}

TEST(OcppTimestamp, GarbageIsNotATimestamp) {
    EXPECT_FALSE(parse_timestamp("yesterday").has_value());
    EXPECT_FALSE(parse_timestamp("2026-02-30T00:00:00Z").has_value());
    EXPECT_FALSE(parse_timestamp("2026-06-01T25:00:00Z").has_value());
    EXPECT_FALSE(parse_timestamp("2026-06-01T01:00:00Zjunk").has_value());
}

TEST(OcppTimestamp, FormatsUtcWithMilliseconds) {
    EXPECT_EQ(format_time(1780275600250), "2026-06-01T01:00:00.250Z");
}

}  // namespace
}  // namespace kw::ocpp
