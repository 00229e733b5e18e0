// End to end: driver, HTTP API, WebSocket, server, broker, Redis, SQL and kilowatt-sim together.
#include <gtest/gtest.h>

#include "charging_helpers.hpp"

namespace kw::test {
constexpr long long kElectricity = 6424, kService = 6000;  // 1/10000 yuan per kWh
}

namespace kw::test {
namespace {

namespace json = boost::json;

struct Backend {
    bool mariadb;
    const char* name;
};

class ScanToCharge : public ::testing::TestWithParam<Backend> {};

// The whole journey: QR -> start -> live updates over WebSocket -> stop -> settled order whose bill
// equals the energy the charger measured times the tariff, debited once from the wallet.
TEST_P(ScanToCharge, FullSessionIsBilledExactlyAndPushedLive) {
    Stack stack(StackOptions{GetParam().mariadb, {}});
    const long long tariff = stack.create_tariff(flat_tariff(kElectricity, kService));
    const long long station = stack.create_station(tariff);
    auto charger = stack.create_charger(station, "E2E-AC-1", "AC", 2, 7000);
    auto sim = stack.start_sim({charger}, {"--meter-interval", "1", "--speed", "30"});
    ASSERT_TRUE(stack.wait_online(charger.code)) << sim->log_tail();

    const std::string driver = stack.driver_token("13800000001");
    stack.topup(driver, 20000);

    // The QR label's content resolves to the charger and connector.
    auto qr = stack.http().get("/api/v1/chargers/by-qr?content=http%3A%2F%2F127.0.0.1%3A8080%2Fapp%2Fc%2FE2E-AC-1%2F2",
                               driver);
    ASSERT_EQ(qr.status, 200) << qr.body;
    EXPECT_EQ(qr.json().at("connector").as_int64(), 2);

    const long long register_before = sim_register(*sim, charger.code, 2);
    auto start = stack.http().post("/api/v1/orders", order_body(charger.code, 2), driver);
    ASSERT_EQ(start.status, 201) << start.body;
    const long long order_id = start.json().at("id").as_int64();
    EXPECT_EQ(str(start.json().at("state")), "starting");

    WsClient ws("127.0.0.1", stack.http_port(), stack.ws_target(driver));
    ws.send(R"({"op":"subscribe","channel":"order:)" + std::to_string(order_id) + R"("})");
    auto meter = ws.receive_json_until(
        [](const json::value& m) {
            return m.is_object() && m.as_object().contains("event") && m.at("event") == "meter" &&
                   m.at("data").at("energy_wh").as_int64() > 0;
        },
        std::chrono::seconds(20));
    EXPECT_GT(meter.at("data").at("power_w").as_int64(), 0);

    auto charging = stack.wait_order(driver, order_id, [](const json::object& o) {
        return o.at("state") == "charging" && o.contains("live") && o.at("live").at("energy_wh").as_int64() >= 200;
    });
    ASSERT_EQ(str(charging.at("state")), "charging") << json::serialize(charging);

    auto stop = stack.http().post("/api/v1/orders/" + std::to_string(order_id) + "/stop", "{}", driver);
    ASSERT_EQ(stop.status, 200) << stop.body;
    auto settled = stack.wait_order(driver, order_id, [](const json::object& o) { return o.at("state") == "settled"; });
    ASSERT_EQ(str(settled.at("state")), "settled") << json::serialize(settled) << stack.server_log();
    EXPECT_EQ(str(settled.at("stop_reason")), "driver");

    const long long energy = sim_register(*sim, charger.code, 2) - register_before;
    const long long electricity = fee_fen(energy, kElectricity), service = fee_fen(energy, kService);
    EXPECT_GT(energy, 0);
    EXPECT_EQ(settled.at("energy_wh").as_int64(), energy);
    EXPECT_EQ(settled.at("electricity_fen").as_int64(), electricity);
    EXPECT_EQ(settled.at("service_fen").as_int64(), service);
    EXPECT_EQ(settled.at("total_fen").as_int64(), electricity + service);
    EXPECT_EQ(settled.at("paid_fen").as_int64(), electricity + service);
    ASSERT_EQ(settled.at("segments").as_array().size(), 1u);
    EXPECT_EQ(stack.balance(driver), 20000 - electricity - service);

    // The WebSocket saw the settlement too.
    auto pushed = ws.receive_json_until(
        [](const json::value& m) {
            return m.is_object() && m.as_object().contains("event") && m.at("event") == "order" &&
                   m.at("data").at("state") == "settled";
        },
        std::chrono::seconds(10));
    EXPECT_EQ(pushed.at("data").at("total_fen").as_int64(), electricity + service);

    // The list filters by state; a state that does not exist is refused, not an empty page.
    auto settled_list = stack.http().get("/api/v1/orders?state=settled", driver).json();
    ASSERT_EQ(settled_list.at("items").as_array().size(), 1u);
    EXPECT_EQ(settled_list.at("items").at(0).at("id").as_int64(), order_id);
    EXPECT_EQ(stack.http().get("/api/v1/orders?state=charging", driver).json().at("total").as_int64(), 0);
    auto unknown = stack.http().get("/api/v1/orders?state=finished", driver);
    EXPECT_EQ(unknown.status, 400) << unknown.body;
    EXPECT_EQ(str(unknown.json().at("code")), "bad_request");

    // Exactly one charge row in the ledger.
    auto ledger = stack.http().get("/api/v1/wallet/ledger", driver).json();
    int charges = 0;
    for (const auto& row : ledger.at("items").as_array())
        if (row.at("reason") == "charge") ++charges;
    EXPECT_EQ(charges, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, ScanToCharge,
                         ::testing::Values(Backend{false, "SQLite"}, Backend{true, "MariaDB"}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace kw::test

namespace kw::test {
namespace {

// A charger speaking MQTT 3.1.1 (no correlation properties) charges and settles the same way.
TEST(Mqtt311Charger, SessionStartsStopsAndSettles) {
    Stack stack;
    const long long station = stack.create_station(stack.create_tariff(flat_tariff(kElectricity, kService)));
    auto charger = stack.create_charger(station, "E2E-311", "DC", 1, 60000);
    auto sim = stack.start_sim({charger}, {"--mqtt-version", "4", "--meter-interval", "1", "--speed", "10"});
    ASSERT_TRUE(stack.wait_online(charger.code)) << sim->log_tail();
    const std::string driver = stack.driver_token("13800000311");
    stack.topup(driver, 20000);
    const long long before = sim_register(*sim, charger.code);
    auto start = stack.http().post("/api/v1/orders", order_body(charger.code), driver);
    ASSERT_EQ(start.status, 201) << start.body;
    const long long id = start.json().at("id").as_int64();
    auto charging = stack.wait_order(driver, id, [](const boost::json::object& o) {
        return o.at("state") == "charging" && o.contains("live") && o.at("live").at("energy_wh").as_int64() > 100;
    });
    ASSERT_EQ(str(charging.at("state")), "charging");
    EXPECT_FALSE(charging.at("live").at("soc").is_null());  // DC chargers report state of charge
    ASSERT_EQ(stack.http().post("/api/v1/orders/" + std::to_string(id) + "/stop", "{}", driver).status, 200);
    auto settled = stack.wait_order(driver, id, [](const boost::json::object& o) { return o.at("state") == "settled"; });
    ASSERT_EQ(str(settled.at("state")), "settled");
    const long long energy = sim_register(*sim, charger.code) - before;
    EXPECT_EQ(settled.at("energy_wh").as_int64(), energy);
    EXPECT_EQ(settled.at("total_fen").as_int64(), fee_fen(energy, kElectricity) + fee_fen(energy, kService));
}

}  // namespace
}  // namespace kw::test
