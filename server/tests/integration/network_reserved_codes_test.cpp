// Issue 7, broker account takeover: a charger code that names the server's own broker account (or
// any broker account that is not one of our chargers) is refused through the real admin API against
// real Mosquitto, and the server keeps its account: it reconnects and still runs sessions.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "charging_helpers.hpp"
#include "network_support.hpp"
#include "test_charger.hpp"

namespace kw::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
        s.replace(pos, from.size(), to);
    return s;
}

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// The saved attack, with the server's username of this stack filled in.
json::object attack_case(const std::string& server_username) {
    std::string text = read_file(std::string(KW_TEST_CASES) + "/charger-named-after-server-account.json");
    std::string capitalised = server_username;
    capitalised[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(capitalised[0])));
    text = replace_all(text, "{SERVER_USERNAME}", upper(server_username));
    text = replace_all(text, "{Server_username}", capitalised);
    text = replace_all(text, "{server_username}", server_username);
    return json::parse(text).as_object();
}

int count(const std::string& text, const std::string& needle) {
    int n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
    return n;
}

TEST(ReservedChargerCodes, MaintainerCannotCreateChargerNamedAfterServerAccount) {
    Stack stack;
    const std::string server_user = stack.broker().admin_user();  // the stack's mqtt.username
    const long long station = stack.create_station(stack.create_tariff(flat_tariff(10000, 5000)));
    const std::string maintainer = stack.staff_token("maintainer");
    const json::object attack = attack_case(server_user);

    for (const json::value& code : attack.at("codes").as_array()) {
        json::object body = attack.at("request").as_object();
        body["code"] = code;
        body["station_id"] = station;
        auto r = stack.http().post("/api/v1/admin/chargers", json::serialize(body), maintainer);
        EXPECT_EQ(r.status, 409) << code << " -> " << r.body;
        EXPECT_NE(r.body.find("reserved"), std::string::npos) << r.body;
    }
    auto listed = stack.http().get("/api/v1/admin/chargers", maintainer);
    ASSERT_EQ(listed.status, 200) << listed.body;
    EXPECT_EQ(listed.json().at("total").as_int64(), 0) << listed.body;

    // The server's broker account still has its password and its role: after a broker restart the
    // server reconnects and sets up again, and a session still starts.
    EXPECT_EQ(SyncClient(stack.broker().port(), "probe", server_user, stack.broker().admin_password()).connack(),
              std::optional<int>(0));
    const int ready_before = count(stack.server_log(), "event=broker_accounts_ready");
    stack.broker().restart();
    ASSERT_TRUE(eventually([&] { return count(stack.server_log(), "event=broker_accounts_ready") > ready_before; },
                           30s))
        << stack.server_log();
    auto charger = stack.create_charger(station, "SAFE-1");
    TestCharger c(stack.broker().port(), charger.code, charger.password);
    c.boot();
    ASSERT_TRUE(stack.wait_online(charger.code));
    const std::string driver = stack.driver_token("13700007001");
    stack.topup(driver, 10000);
    auto order = stack.http().post("/api/v1/orders", order_body(charger.code), driver);
    ASSERT_EQ(order.status, 201) << order.body;
    auto start = c.wait_command("start");
    ASSERT_TRUE(start) << stack.server_log();
    EXPECT_EQ(start->at("order_id").as_int64(), order.json().at("id").as_int64());
}

TEST(ReservedChargerCodes, CodeOfABrokerAccountThatIsNotAChargerIsRefusedAndTheAccountKept) {
    Stack stack;
    stack.broker().create_client("plant-monitor", "Monitor-pass1", {{"subscribePattern", "plant/#"}});
    const long long station = stack.create_station(stack.create_tariff(flat_tariff(10000, 5000)));
    const std::string maintainer = stack.staff_token("maintainer");
    auto r = stack.http().post("/api/v1/admin/chargers",
                               json::serialize(json::object{{"code", "plant-monitor"},
                                                            {"station_id", station},
                                                            {"kind", "AC"},
                                                            {"rated_w", 7000}}),
                               maintainer);
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_NE(r.body.find("not a Kilowatt charger"), std::string::npos) << r.body;
    EXPECT_EQ(stack.http().get("/api/v1/admin/chargers", maintainer).json().at("total").as_int64(), 0);
    // The operator's account is untouched: same password, and it was not turned into a charger.
    EXPECT_EQ(SyncClient(stack.broker().port(), "monitor-1", "plant-monitor", "Monitor-pass1").connack(),
              std::optional<int>(0));
    // Our own charger accounts can still be re-issued (reset credentials modifies our client).
    auto charger = stack.create_charger(station, "OWN-1");
    auto reset = stack.http().post("/api/v1/admin/chargers/" + std::to_string(charger.id) + "/credentials", "{}",
                                   maintainer);
    ASSERT_EQ(reset.status, 200) << reset.body;
    const std::string fresh(reset.json().at("mqtt").at("password").as_string());
    EXPECT_EQ(SyncClient(stack.broker().port(), "OWN-1", "OWN-1", fresh).connack(), std::optional<int>(0));
    EXPECT_EQ(SyncClient(stack.broker().port(), "OWN-1", "OWN-1", charger.password).connack(),
              std::optional<int>(135));
}

}  // namespace
}  // namespace kw::test
