// Bad input on both doors, MQTT and HTTP, and drivers kept apart: a clear error or a logged drop,
// and nothing changed.
#include <gtest/gtest.h>

#include <thread>

#include "charging_helpers.hpp"
#include <boost/asio/io_context.hpp>

#include "device/mqtt/client.hpp"
#include "test_charger.hpp"

namespace kw::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

struct Net {
    ChargerCredentials charger;
    std::string driver;
};

Net setup(Stack& stack, const std::string& code) {
    const long long tariff = stack.create_tariff(flat_tariff(10000, 5000));
    const long long station = stack.create_station(tariff);
    Net s{stack.create_charger(station, code, "AC", 1, 7000), stack.driver_token("13700000001")};
    stack.topup(s.driver, 10000);
    return s;
}

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
    return n;
}

TEST(ChargingBadInput, MalformedOversizeAndWrongTypedMqttMessagesChangeNothing) {
    Stack stack;
    Net s = setup(stack, "BAD-MQTT");
    TestCharger charger(stack.broker().port(), s.charger.code, s.charger.password);
    charger.boot();
    ASSERT_TRUE(stack.wait_online(s.charger.code));
    auto r = stack.http().post("/api/v1/orders", order_body(s.charger.code), s.driver);
    ASSERT_EQ(r.status, 201) << r.body;
    const long long id = r.json().at("id").as_int64();
    ASSERT_TRUE(charger.wait_command("start"));
    const auto before = stack.http().get("/api/v1/orders/" + std::to_string(id), s.driver).json();

    charger.publish("tx", "{not json");                                             // malformed
    charger.publish("tx", std::string(5000, ' ') + "{}");                           // oversize
    charger.publish("tx", R"({"event":"started","tx_id":"X","seq":"one","connector":1,"order_id":1,"meter_wh":1})");
    charger.publish("tx", R"({"event":"started","tx_id":"X","seq":1,"connector":1,"order_id":")" + std::to_string(id) +
                              R"(","meter_wh":1})");                                // order id as a string
    charger.publish("meter", R"({"connector":1,"energy_wh":-5})");                 // negative energy
    charger.publish("status", R"({"connector":9,"status":"available"})");          // no such connector
    charger.publish("status", R"({"connector":1,"status":"exploded"})");           // unknown status
    charger.publish("tx", R"(["an","array"])");                                     // not an object
    charger.publish("tx", R"({"event":"started","tx_id":"x'); DROP TABLE orders;--","seq":1,"connector":1,"order_id":999999,"meter_wh":1})");
    ASSERT_TRUE(eventually([&] { return count(stack.server_log(), "event=mqtt_rejected") >= 8; }, 10s))
        << stack.server_log();
    std::this_thread::sleep_for(500ms);
    const auto after = stack.http().get("/api/v1/orders/" + std::to_string(id), s.driver).json();
    EXPECT_EQ(after.at("state"), before.at("state"));
    EXPECT_EQ(after.at("state"), "starting");
    EXPECT_EQ(stack.balance(s.driver), 10000);
    // The SQL-injection-shaped tx id was stored as text against an unknown order, and orders still exist.
    EXPECT_EQ(stack.http().get("/api/v1/orders", s.driver).json().at("total").as_int64(), 1);
    EXPECT_TRUE(stack.server_running());
}

TEST(ChargingBadInput, UnknownChargerIsRejectedAndLogged) {
    Stack stack;
    // The broker's admin account (which may publish anywhere) plays a charger Kilowatt does not know.
    boost::asio::io_context io;
    mqtt::Options o;
    o.port = stack.broker().port();
    o.client_id = "ghost-publisher";
    o.username = stack.broker().admin_user();
    o.password = stack.broker().admin_password();
    mqtt::MqttClient ghost(io.get_executor(), o);
    ghost.start();
    std::thread t([&] { io.run_for(3s); });
    ASSERT_TRUE(eventually([&] { return ghost.connected(); }, 5s));
    ghost.publish("kw/v1/GHOST-1/boot", R"({"boot_id":"b","vendor":"x"})", 1);
    ghost.publish("kw/v1/GHOST-1/heartbeat", "{}", 1);
    ghost.publish("kw/v1/GHOST-1/meter", R"({"connector":1,"energy_wh":5})", 1);
    t.join();
    ASSERT_TRUE(eventually([&] { return count(stack.server_log(), "event=mqtt_rejected topic=kw/v1/GHOST-1/") >= 3; }, 10s))
        << stack.server_log();
    EXPECT_NE(stack.server_log().find("unknown charger"), std::string::npos);
    auto r = stack.http().get("/api/v1/chargers/GHOST-1", stack.admin_token());
    EXPECT_EQ(r.status, 404);
}

TEST(ChargingBadInput, ChargerCannotSpeakOnAnotherChargersTopics) {
    Stack stack;
    Net s = setup(stack, "VICTIM-1");
    const long long station = stack.create_station(stack.create_tariff(flat_tariff(1, 1)), 121.5, 31.2, "Other");
    auto intruder = stack.create_charger(station, "INTRUDER-1");
    TestCharger victim(stack.broker().port(), s.charger.code, s.charger.password);
    victim.boot();
    ASSERT_TRUE(stack.wait_online(s.charger.code));
    TestCharger bad(stack.broker().port(), intruder.code, intruder.password);
    bad.boot();
    ASSERT_TRUE(stack.wait_online(intruder.code));
    // The broker drops what the intruder publishes under the victim's topics.
    bad.publish_topic("kw/v1/VICTIM-1/state", R"({"online":false,"reason":"spoofed"})");
    bad.publish_topic("kw/v1/VICTIM-1/status", R"({"connector":1,"status":"faulted"})");
    std::this_thread::sleep_for(1500ms);
    auto r = stack.http().get("/api/v1/chargers/VICTIM-1", s.driver).json();
    EXPECT_TRUE(r.at("online").as_bool());
    EXPECT_EQ(r.at("connectors").as_array().at(0).at("status"), "available");
    EXPECT_EQ(stack.server_log().find("spoofed"), std::string::npos);
}

TEST(ChargingBadInput, DriverCannotReadStopOrSubscribeToAnotherDriversOrder) {
    Stack stack;
    Net s = setup(stack, "PRIV-1");
    TestCharger charger(stack.broker().port(), s.charger.code, s.charger.password);
    charger.boot();
    ASSERT_TRUE(stack.wait_online(s.charger.code));
    auto r = stack.http().post("/api/v1/orders", order_body(s.charger.code), s.driver);
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string id = std::to_string(r.json().at("id").as_int64());
    const std::string other = stack.driver_token("13700000002");

    EXPECT_EQ(stack.http().get("/api/v1/orders/" + id, other).status, 404);
    EXPECT_EQ(stack.http().post("/api/v1/orders/" + id + "/stop", "{}", other).status, 404);
    EXPECT_EQ(stack.http().get("/api/v1/orders", other).json().at("total").as_int64(), 0);
    EXPECT_EQ(stack.http().get("/api/v1/orders/" + id, s.driver).json().at("state"), "starting");

    WsClient ws("127.0.0.1", stack.http_port(), stack.ws_target(other));
    ws.send(R"({"op":"subscribe","channel":"order:)" + id + R"("})");
    auto answer = ws.receive_json_until([](const json::value& m) { return m.is_object() && m.as_object().contains("op"); }, 5s);
    EXPECT_EQ(answer.at("op"), "error");
    ws.send(R"({"op":"subscribe","channel":"dashboard"})");
    auto dash = ws.receive_json_until([](const json::value& m) { return m.is_object() && m.as_object().contains("op"); }, 5s);
    EXPECT_EQ(dash.at("op"), "error");
    EXPECT_EQ(dash.at("code"), "forbidden");
    // Staff may watch any order.
    WsClient staff("127.0.0.1", stack.http_port(), stack.ws_target(stack.admin_token()));
    staff.send(R"({"op":"subscribe","channel":"order:)" + id + R"("})");
    auto ok = staff.receive_json_until([](const json::value& m) { return m.is_object() && m.as_object().contains("op"); }, 5s);
    EXPECT_EQ(ok.at("op"), "subscribed");
}

TEST(ChargingBadInput, BadOrderRequestsGetClearErrorsAndCreateNothing) {
    Stack stack;
    Net s = setup(stack, "BAD-HTTP");
    auto& http = stack.http();
    auto expect = [&](const std::string& body, int status, const std::string& code) {
        auto r = http.post("/api/v1/orders", body, s.driver);
        EXPECT_EQ(r.status, status) << body << " -> " << r.body;
        if (r.status == status) EXPECT_EQ(r.json().at("code"), code.c_str()) << r.body;
    };
    expect("{oops", 400, "bad_request");
    expect(R"({"charger_code":42,"connector":1})", 400, "bad_request");
    expect(R"({"charger_code":"BAD-HTTP","connector":"1"})", 400, "bad_request");
    expect(R"({"charger_code":"BAD-HTTP"})", 400, "bad_request");
    expect(R"({"charger_code":"x' OR '1'='1","connector":1})", 404, "not_found");
    expect(R"({"charger_code":"BAD-HTTP","connector":7})", 404, "not_found");
    expect(R"({"charger_code":"BAD-HTTP","connector":1})", 503, "charger_offline");
    expect(R"({"charger_code":"BAD-HTTP","connector":1,"limits":{"energy_wh":-1}})", 400, "bad_request");
    auto big = http.post("/api/v1/orders", std::string(70000, 'x'), s.driver);
    EXPECT_EQ(big.status, 413);
    EXPECT_EQ(http.post("/api/v1/orders", order_body("BAD-HTTP")).status, 401);
    EXPECT_EQ(http.post("/api/v1/orders", order_body("BAD-HTTP"), stack.admin_token()).status, 403);
    EXPECT_EQ(http.get("/api/v1/orders/abc", s.driver).status, 404);
    EXPECT_EQ(http.get("/api/v1/orders", s.driver).json().at("total").as_int64(), 0);
    EXPECT_EQ(stack.balance(s.driver), 10000);
}

TEST(ChargingBadInput, StartNeedsTheMinimumBalance) {
    Stack stack;
    const long long station = stack.create_station(stack.create_tariff(flat_tariff(10000, 5000)));
    auto charger = stack.create_charger(station, "POOR-1");
    TestCharger c(stack.broker().port(), charger.code, charger.password);
    c.boot();
    ASSERT_TRUE(stack.wait_online(charger.code));
    const std::string driver = stack.driver_token("13700000003");
    auto r = stack.http().post("/api/v1/orders", order_body(charger.code), driver);
    EXPECT_EQ(r.status, 402) << r.body;
    EXPECT_EQ(r.json().at("code"), "insufficient_balance");
}

TEST(ChargingBadInput, SecondDriverCannotTakeABusyConnector) {
    Stack stack;
    Net s = setup(stack, "BUSY-1");
    TestCharger c(stack.broker().port(), s.charger.code, s.charger.password);
    c.boot();
    ASSERT_TRUE(stack.wait_online(s.charger.code));
    ASSERT_EQ(stack.http().post("/api/v1/orders", order_body(s.charger.code), s.driver).status, 201);
    const std::string other = stack.driver_token("13700000004");
    stack.topup(other, 10000);
    auto r = stack.http().post("/api/v1/orders", order_body(s.charger.code), other);
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(r.json().at("code"), "connector_busy") << r.body;
    EXPECT_EQ(stack.http().get("/api/v1/orders", other).json().at("total").as_int64(), 0);
}

}  // namespace
}  // namespace kw::test
