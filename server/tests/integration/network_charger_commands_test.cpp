// The operator's configuration commands through the HTTP API: how long a configuration key may be
// depends on the charger's protocol (OCPP 1.6 CiString50; OCPP 2.0.1 device-model variables
// "Component[instance]@evse.connector/Variable[instance]" up to 220).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "network_support.hpp"
#include "stack.hpp"

namespace kw::test {
namespace {

namespace json = boost::json;

class ChargerCommandApi : public ::testing::Test {
  protected:
    ChargerCommandApi() {
        const long long tariff = stack_.create_tariff(json::parse(
            R"({"prices":{"flat":{"electricity":10000,"service":5000}},
                "periods":[["00:00","24:00","flat"]]})"));
        station_ = stack_.create_station(tariff, 121.47, 31.23, "Main station");
    }
    // Creates an online charger of `protocol` (its MQTT login stands in for the OCPP edge); its id.
    long long online_charger(const std::string& code, const std::string& protocol) {
        json::object body{{"code", code},
                          {"station_id", station_},
                          {"kind", "AC"},
                          {"rated_w", 7000},
                          {"protocol", protocol}};
        auto r = stack_.http().post("/api/v1/admin/chargers", json::serialize(body), stack_.admin_token());
        EXPECT_EQ(r.status, 201) << r.body;
        const json::value c = r.json();
        EXPECT_TRUE(c.as_object().contains("ocpp")) << r.body;
        const long long id = c.at("id").as_int64();
        EXPECT_TRUE(bring_online(stack_.broker().port(), code,
                                 std::string(c.at("mqtt").at("password").as_string()), 1));
        const bool online = eventually(
            [&] { return stack_.http().get(path(id), stack_.admin_token()).json().at("online").as_bool(); });
        EXPECT_TRUE(online) << code << " did not come online";
        return id;
    }
    std::string path(long long id, const std::string& rest = {}) {
        return "/api/v1/admin/chargers/" + std::to_string(id) + rest;
    }
    HttpResult command(long long id, const json::object& body) {
        return stack_.http().post(path(id, "/commands"), json::serialize(body), stack_.admin_token());
    }
    HttpResult get_configuration(long long id, const std::string& key) {
        return command(id, {{"kind", "get_configuration"}, {"keys", json::array{json::string(key)}}});
    }
    HttpResult set_configuration(long long id, const std::string& key) {
        return command(id, {{"kind", "set_configuration"}, {"key", key}, {"value", "60"}});
    }

    Stack stack_;
    long long station_ = 0;
};

TEST_F(ChargerCommandApi, ConfigurationKeysAreUpTo50CharactersForOcpp16And220ForOcpp201) {
    const long long v16 = online_charger("CMD-16", "ocpp1.6");
    const long long v201 = online_charger("CMD-201", "ocpp2.0.1");
    const std::string k50(50, 'K'), k51(51, 'K'), k220(220, 'K'), k221(221, 'K');

    KW_EXPECT_STATUS(get_configuration(v16, k50), 202);
    KW_EXPECT_STATUS(set_configuration(v16, k50), 202);
    KW_EXPECT_STATUS(get_configuration(v16, k51), 400);
    KW_EXPECT_STATUS(set_configuration(v16, k51), 400);
    KW_EXPECT_STATUS(get_configuration(v16, k220), 400);

    // A variable key in full: "Component[instance]@evse.connector/Variable[instance]", each name 50.
    const std::string longest = std::string(50, 'C') + "[" + std::string(50, 'i') + "]@1.1/" +
                                std::string(50, 'V') + "[" + std::string(50, 'j') + "]";
    ASSERT_LE(longest.size(), 220u);
    KW_EXPECT_STATUS(get_configuration(v201, "OCPPCommCtrlr/HeartbeatInterval"), 202);
    KW_EXPECT_STATUS(get_configuration(v201, longest), 202);
    KW_EXPECT_STATUS(set_configuration(v201, longest), 202);
    KW_EXPECT_STATUS(get_configuration(v201, k220), 202);
    KW_EXPECT_STATUS(get_configuration(v201, k221), 400);
    KW_EXPECT_STATUS(set_configuration(v201, k221), 400);
    KW_EXPECT_STATUS(get_configuration(v201, ""), 400);

    // Refused commands are not recorded: only the accepted ones are in each charger's history.
    EXPECT_EQ(stack_.http().get(path(v16, "/commands"), stack_.admin_token()).json().at("total").as_int64(),
              2);
    EXPECT_EQ(stack_.http().get(path(v201, "/commands"), stack_.admin_token()).json().at("total").as_int64(),
              4);
}

TEST_F(ChargerCommandApi, OnlyAnOcpp201ChargerResetsOneConnector) {
    const long long v16 = online_charger("RST-16", "ocpp1.6");
    const long long v201 = online_charger("RST-201", "ocpp2.0.1");
    const json::object one{{"kind", "reset"}, {"type", "soft"}, {"connector", 1}};
    KW_EXPECT_STATUS(command(v16, one), 400);
    KW_EXPECT_STATUS(command(v16, {{"kind", "reset"}, {"type", "soft"}}), 202);
    auto r = command(v201, one);
    KW_EXPECT_STATUS(r, 202);
    EXPECT_EQ(r.json().at("params").at("connector").as_int64(), 1) << r.body;
    KW_EXPECT_STATUS(command(v201, {{"kind", "reset"}, {"type", "soft"}, {"connector", 65}}), 400);
    EXPECT_EQ(stack_.http().get(path(v16, "/commands"), stack_.admin_token()).json().at("total").as_int64(), 1);
}

}  // namespace
}  // namespace kw::test
