#pragma once
// Shared set-up of the resilience tests (charging_resilience_test.cpp, charging_recovery_test.cpp):
// one charger with one connector on a flat tariff, a driver with money, and the small steps those
// tests repeat.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "charging_helpers.hpp"
#include "domain/clock.hpp"
#include "test_charger.hpp"

namespace kw::test::resilience {

namespace json = boost::json;

inline constexpr long long kElectricity = 10000, kService = 5000;

struct Net {
    Stack& stack;
    ChargerCredentials charger;
    std::string driver;  // the driver's token
    std::string phone;   // to log the driver in again (after Redis lost the sessions)
};

inline Net setup(Stack& stack, const std::string& code, long long topup = 50000, const std::string& kind = "AC",
                 long long rated_w = 0) {
    const long long tariff = stack.create_tariff(flat_tariff(kElectricity, kService));
    const long long station = stack.create_station(tariff);
    if (rated_w == 0) rated_w = kind == "AC" ? 7000 : 60000;
    auto charger = stack.create_charger(station, code, kind, 1, rated_w);
    const std::string phone = "1390000" + std::to_string(1000 + code.size() * 7 % 9000);
    const std::string driver = stack.driver_token(phone);
    if (topup > 0) stack.topup(driver, topup);
    return {stack, charger, driver, phone};
}

inline long long start(Net& n) {
    auto r = n.stack.http().post("/api/v1/orders", order_body(n.charger.code), n.driver);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().at("id").as_int64() : 0;
}

inline bool is(const json::object& o, const char* state) { return o.at("state") == state; }

// The test charger waits for a start command and accepts it; the command, or nullopt if none came.
inline std::optional<json::object> accept_start(TestCharger& charger) {
    auto cmd = charger.wait_command("start");
    if (cmd) charger.publish_json("ack", {{"corr", cmd->at("corr")}, {"cmd", "start"}, {"accepted", true}});
    return cmd;
}

// An app start the test charger accepts and reports started as transaction `tx_id` at `meter_wh`,
// waited for until the order is charging; the order's id, or 0 if no start command came.
inline long long start_charging(Net& n, TestCharger& charger, const std::string& tx_id, long long meter_wh) {
    const long long id = start(n);
    if (!accept_start(charger)) return 0;
    charger.publish_json("tx", {{"event", "started"}, {"tx_id", tx_id}, {"seq", 1}, {"connector", 1}, {"order_id", id},
                                {"meter_wh", meter_wh}, {"ts", format_utc(kw::SystemClock().now())}});
    n.stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "charging"); });
    return id;
}

// Stop commands the test charger received for an order (and for transaction `tx_id`, when given).
inline int stop_commands(const TestCharger& charger, long long order_id, const std::string& tx_id = "") {
    int k = 0;
    for (const auto& c : charger.commands())
        if (c.at("cmd") == "stop" && c.at("order_id").as_int64() == order_id &&
            (tx_id.empty() || (c.contains("tx_id") && c.at("tx_id") == json::value(tx_id))))
            ++k;
    return k;
}

inline int ledger_rows(Stack& stack, const std::string& token, const char* reason) {
    int rows = 0;
    const json::value ledger = stack.http().get("/api/v1/wallet/ledger?page_size=100", token).json();
    for (const auto& row : ledger.at("items").as_array())
        if (row.at("reason") == reason) ++rows;
    return rows;
}

}  // namespace kw::test::resilience
