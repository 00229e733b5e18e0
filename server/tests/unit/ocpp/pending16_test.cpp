// A charge point waiting for the operator's approval, without sockets: its BootNotification is
// answered Pending and announced, anything else is refused with SecurityError, and the approval's
// password goes to it as the AuthorizationKey. The OCPP journeys (e2e/ocpp-pending.test.mjs) drive
// the same through the edge for real.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "v16/pending.hpp"

namespace kw::ocpp::v16 {
namespace {

namespace json = boost::json;

class RecordingPendingIo : public PendingIo {
  public:
    void send_frame(std::string text) override { frames.push_back(json::parse(text).as_array()); }
    void announce(std::string payload) override { announced.push_back(json::parse(payload).as_object()); }
    void reconnect() override { ++reconnects; }
    std::int64_t now() override { return 1780275600000; }  // 2026-06-01T01:00:00Z

    std::vector<json::array> frames;
    std::vector<json::object> announced;
    int reconnects = 0;
};

class Pending16 : public ::testing::Test {
  protected:
    RecordingPendingIo io;
    PendingStation station{"NEW-1", io, 60};

    const json::array& last() const { return io.frames.back(); }
};

TEST(AuthorizationKey, IsThePasswordsBytesInHexadecimalFromSixteenToTwentyBytes) {
    EXPECT_EQ(authorization_key("0123456789abcdef"), "30313233343536373839616263646566");
    EXPECT_EQ(authorization_key("ABCDEFGHIJKLMNOPQRST")->size(), 40u);
    EXPECT_FALSE(authorization_key("short-password"));         // 14 bytes
    EXPECT_FALSE(authorization_key("twenty-one-bytes-long"));  // 21 bytes
}

TEST_F(Pending16, BootNotificationIsAnsweredPendingWithTheIntervalAndAnnouncedWithItsFields) {
    station.on_frame(R"([2,"b1","BootNotification",{"chargePointVendor":"Acme","chargePointModel":"AC22",)"
                     R"("chargePointSerialNumber":"SN-9","firmwareVersion":"4.1"}])");
    ASSERT_EQ(io.frames.size(), 1u);
    EXPECT_EQ(last().at(0).as_int64(), 3);
    EXPECT_EQ(last().at(1).as_string(), "b1");
    EXPECT_EQ(last().at(2).at("status").as_string(), "Pending");
    EXPECT_EQ(last().at(2).at("interval").as_int64(), 60);
    EXPECT_EQ(last().at(2).at("currentTime").as_string(), "2026-06-01T01:00:00.000Z");
    ASSERT_EQ(io.announced.size(), 1u);
    EXPECT_EQ(io.announced[0].at("vendor").as_string(), "Acme");
    EXPECT_EQ(io.announced[0].at("model").as_string(), "AC22");
    EXPECT_EQ(io.announced[0].at("serial").as_string(), "SN-9");
    EXPECT_EQ(io.announced[0].at("firmware").as_string(), "4.1");
    EXPECT_EQ(io.announced[0].at("protocol").as_string(), "ocpp1.6");
}

TEST_F(Pending16, AnyOtherCallIsRefusedWithSecurityErrorAndNotAnnounced) {
    station.on_frame(R"([2,"h1","Heartbeat",{}])");
    ASSERT_EQ(io.frames.size(), 1u);
    EXPECT_EQ(last().at(0).as_int64(), 4);
    EXPECT_EQ(last().at(1).as_string(), "h1");
    EXPECT_EQ(last().at(2).as_string(), "SecurityError");
    EXPECT_TRUE(io.announced.empty());
}

TEST_F(Pending16, AnInvalidBootNotificationGetsTheSchemaErrorAndIsNotAnnounced) {
    station.on_frame(R"([2,"b1","BootNotification",{"chargePointVendor":"Acme"}])");
    ASSERT_EQ(io.frames.size(), 1u);
    EXPECT_EQ(last().at(0).as_int64(), 4);
    EXPECT_EQ(last().at(2).as_string(), "OccurenceConstraintViolation");
    EXPECT_TRUE(io.announced.empty());
}

TEST_F(Pending16, ApprovalSendsTheAuthorizationKeyAndReconnectsOnlyWhenAccepted) {
    station.on_approved("ABCDEFGHIJKLMNOPQRST");
    ASSERT_EQ(io.frames.size(), 1u);
    EXPECT_EQ(last().at(0).as_int64(), 2);
    EXPECT_EQ(last().at(2).as_string(), "ChangeConfiguration");
    EXPECT_EQ(last().at(3).at("key").as_string(), "AuthorizationKey");
    EXPECT_EQ(last().at(3).at("value").as_string(), *authorization_key("ABCDEFGHIJKLMNOPQRST"));
    const std::string id(last().at(1).as_string());
    station.on_frame(R"([3,"other",{"status":"Accepted"}])");  // not the answer to our CALL
    EXPECT_EQ(io.reconnects, 0);
    station.on_frame(R"([3,")" + id + R"(",{"status":"Accepted"}])");
    EXPECT_EQ(io.reconnects, 1);
}

TEST_F(Pending16, ARefusedKeyLeavesTheConnectionOpen) {
    station.on_approved("ABCDEFGHIJKLMNOPQRST");
    const std::string id(last().at(1).as_string());
    station.on_frame(R"([3,")" + id + R"(",{"status":"NotSupported"}])");
    station.on_approved("ABCDEFGHIJKLMNOPQRST");
    const std::string id2(last().at(1).as_string());
    station.on_frame(R"([4,")" + id2 + R"(","NotImplemented","",{}])");
    EXPECT_EQ(io.reconnects, 0);
}

TEST_F(Pending16, APasswordOCPPCannotCarryIsNotSent) {
    station.on_approved("a-password-of-twenty-four");
    EXPECT_TRUE(io.frames.empty());
}

}  // namespace
}  // namespace kw::ocpp::v16
