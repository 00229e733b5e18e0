// The charger keys each instance keeps for its device messages (server.charger_key_cache_ms, 60 s by
// default, so that only a network change can explain a key being read again): a connector added
// through the console is accepted in the charger's next status at once, though the charger's key
// was cached with one connector, and a deleted connector's status is refused at once.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "network_support.hpp"
#include "stack.hpp"

namespace kw::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class ChargerKeys : public ::testing::Test {
  protected:
    ChargerKeys() {
        tariff_ = stack_.create_tariff(json::parse(R"({"prices":{"flat":{"electricity":10000,"service":5000}},
                                                       "periods":[["00:00","24:00","flat"]]})"));
        station_ = stack_.create_station(tariff_, 121.47, 31.23, "Main station");
    }
    // The status the console shows for this connector ("" while it has none or is not listed).
    std::string status(const std::string& code, int number) {
        auto r = stack_.http().get("/api/v1/admin/chargers?q=" + code, stack_.admin_token());
        const auto& items = r.json().at("items").as_array();
        if (items.empty()) return "";
        for (const auto& c : items.at(0).at("connectors").as_array())
            if (c.at("number").as_int64() == number) return std::string(c.at("status").as_string());
        return "";
    }
    void publish_status(SyncClient& c, const std::string& code, int number, const std::string& status) {
        ASSERT_EQ(c.publish_qos1("kw/v1/" + code + "/status",
                                 R"({"connector":)" + std::to_string(number) + R"(,"status":")" + status +
                                     R"(","error":"","ts":"2026-06-01T01:00:01Z"})"),
                  std::optional<int>(0));
    }

    Stack stack_;
    long long tariff_ = 0, station_ = 0;
};

TEST_F(ChargerKeys, AConnectorAddedAfterTheChargersKeyWasCachedIsAcceptedInItsNextStatus) {
    const auto charger = stack_.create_charger(station_, "KEY-1");
    ASSERT_TRUE(bring_online(stack_.broker().port(), charger.code, charger.password, 1));
    ASSERT_TRUE(eventually([&] { return status(charger.code, 1) == "available"; }));
    SyncClient c(stack_.broker().port(), charger.code, charger.code, charger.password);
    ASSERT_EQ(c.connack(), std::optional<int>(0));
    publish_status(c, charger.code, 1, "occupied");  // the key, with one connector, is cached by now
    ASSERT_TRUE(eventually([&] { return status(charger.code, 1) == "occupied"; }));

    const std::string connectors = "/api/v1/admin/chargers/" + std::to_string(charger.id) + "/connectors";
    KW_EXPECT_STATUS(stack_.http().post(connectors, R"({"number":2})", stack_.admin_token()), 201);
    publish_status(c, charger.code, 2, "faulted");
    EXPECT_TRUE(eventually([&] { return status(charger.code, 2) == "faulted"; }, 5s))
        << "connector 2's status was refused: the charger's cached key still had one connector";
}

TEST_F(ChargerKeys, ADeletedConnectorsStatusIsRefusedAtOnce) {
    const auto charger = stack_.create_charger(station_, "KEY-2", "AC", 2);
    ASSERT_TRUE(bring_online(stack_.broker().port(), charger.code, charger.password, 2));
    ASSERT_TRUE(eventually([&] { return status(charger.code, 2) == "available"; }));
    const std::string path = "/api/v1/admin/chargers/" + std::to_string(charger.id) + "/connectors";
    KW_EXPECT_STATUS(stack_.http().del(path + "/2", stack_.admin_token()), 204);
    SyncClient c(stack_.broker().port(), charger.code, charger.code, charger.password);
    ASSERT_EQ(c.connack(), std::optional<int>(0));
    publish_status(c, charger.code, 2, "faulted");
    publish_status(c, charger.code, 1, "occupied");  // one charger's messages are applied in order
    ASSERT_TRUE(eventually([&] { return status(charger.code, 1) == "occupied"; }));
    // Added again, so the console lists it: it must not show the status sent while it did not exist.
    KW_EXPECT_STATUS(stack_.http().post(path, R"({"number":2})", stack_.admin_token()), 201);
    EXPECT_NE(status(charger.code, 2), "faulted");
}

}  // namespace
}  // namespace kw::test
