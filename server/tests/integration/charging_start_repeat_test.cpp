// A start command lost on its way (issue 10: in a broker restart) is repeated while the order is
// starting, and chargers treat a repeated start as idempotent (docs/device-protocol.md): the same
// order running is accepted again and changes nothing; a session of that order already ended is
// refused and no new one begins. Real server, broker, Redis, SQLite and simulator.
#include <gtest/gtest.h>

#include <thread>

#include "charging_helpers.hpp"
#include "test_charger.hpp"

namespace kw::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr long long kElectricity = 10000, kService = 5000;

struct Rig {
    explicit Rig(Stack& s, const std::string& code) : stack(s) {
        const long long station =
            stack.create_station(stack.create_tariff(flat_tariff(kElectricity, kService)));
        charger = stack.create_charger(station, code);
        driver = stack.driver_token("1355000" + std::to_string(1000 + code.size()));
        stack.topup(driver, 50000);
        sim = stack.start_sim({charger}, {"--meter-interval", "1", "--speed", "20"});
        EXPECT_TRUE(stack.wait_online(charger.code));
    }
    long long start() {
        auto r = stack.http().post("/api/v1/orders", order_body(charger.code), driver);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? r.json().at("id").as_int64() : 0;
    }
    json::object wait(long long id, const char* state) {
        return stack.wait_order(driver, id,
                                [state](const json::object& o) { return o.at("state") == state; });
    }
    json::object connector() {
        return sim->status(charger.code).at("charger").at("connectors").as_array().at(0).as_object();
    }
    // The start command of order `id` again, as the server sends it (the broker's admin account,
    // which the server uses, may publish to any charger).
    void send_start(long long id) {
        TestCharger server(stack.broker().port(), stack.broker().admin_user(),
                           stack.broker().admin_password(), false);
        ASSERT_TRUE(server.connected());
        server.publish_topic("kw/v1/" + charger.code + "/cmd",
                             json::serialize(json::object{{"cmd", "start"},
                                                          {"corr", "o" + std::to_string(id) + "-start"},
                                                          {"connector", 1},
                                                          {"order_id", id}}));
    }
    int sim_log_count(const std::string& needle) {
        const std::string log = read_file(sim->process().log_path());
        int n = 0;
        for (auto pos = log.find(needle); pos != std::string::npos; pos = log.find(needle, pos + 1)) ++n;
        return n;
    }

    Stack& stack;
    ChargerCredentials charger;
    std::string driver;
    std::unique_ptr<Sim> sim;
};

TEST(StartRepeat, StartWhoseCommandWasLostIsRepeatedAndChargesBeforeTheStartTimeout) {
    Stack stack;
    Rig rig(stack, "REP-LOST");
    rig.sim->control("drop-next-acks " + rig.charger.code + " 1");  // the first start never arrives
    const long long before = sim_register(*rig.sim, rig.charger.code);
    const long long id = rig.start();
    // Charging, not cancelled by orders.start_timeout_s (30 s): the repeated start began the session.
    auto charging = rig.wait(id, "charging");
    ASSERT_EQ(charging.at("state"), "charging") << json::serialize(charging) << stack.server_log();
    EXPECT_NE(stack.server_log().find("event=order_start_repeated order=" + std::to_string(id)),
              std::string::npos);
    EXPECT_EQ(rig.sim_log_count("event=start_dropped code=" + rig.charger.code), 1);
    ASSERT_EQ(stack.http().post("/api/v1/orders/" + std::to_string(id) + "/stop", "{}", rig.driver).status,
              200);
    auto settled = rig.wait(id, "settled");
    ASSERT_EQ(settled.at("state"), "settled") << json::serialize(settled);
    const long long energy = sim_register(*rig.sim, rig.charger.code) - before;
    EXPECT_EQ(settled.at("energy_wh").as_int64(), energy);
    EXPECT_EQ(settled.at("total_fen").as_int64(), fee_fen(energy, kElectricity) + fee_fen(energy, kService));
}

TEST(StartRepeat, AcknowledgedStartIsNotRepeated) {
    Stack stack;
    Rig rig(stack, "REP-ACKED");
    rig.sim->control("hold-tx " + rig.charger.code + " on");  // acked, but the order stays starting
    const long long id = rig.start();
    ASSERT_TRUE(eventually(
        [&] { return rig.sim_log_count("event=ack code=" + rig.charger.code + " cmd=start") >= 1; }));
    std::this_thread::sleep_for(7s);  // longer than the 5 s between repeats
    EXPECT_EQ(stack.server_log().find("event=order_start_repeated order=" + std::to_string(id)),
              std::string::npos);
    rig.sim->control("hold-tx " + rig.charger.code + " off");
    EXPECT_EQ(rig.wait(id, "charging").at("state"), "charging");
}

TEST(StartRepeat, RepeatedStartOfTheRunningSessionIsAcceptedAndStartsNoSecondOne) {
    Stack stack;
    Rig rig(stack, "REP-RUNNING");
    const long long before = sim_register(*rig.sim, rig.charger.code);
    const long long id = rig.start();
    ASSERT_EQ(rig.wait(id, "charging").at("state"), "charging");
    const json::object running = rig.connector();
    const std::string accepted = "event=ack code=" + rig.charger.code + " cmd=start corr=o" +
                                 std::to_string(id) + "-start connector=1 accepted=true";
    ASSERT_EQ(rig.sim_log_count(accepted), 1);
    rig.send_start(id);
    ASSERT_TRUE(eventually([&] { return rig.sim_log_count(accepted) == 2; })) << rig.sim->log_tail();
    EXPECT_EQ(rig.sim_log_count("event=tx_started code=" + rig.charger.code), 1);
    EXPECT_EQ(rig.connector().at("tx_id"), running.at("tx_id"));
    auto order = stack.http().get("/api/v1/orders/" + std::to_string(id), rig.driver).json().as_object();
    EXPECT_EQ(order.at("state"), "charging");
    EXPECT_EQ(order.at("tx_id"), running.at("tx_id"));
    // The one session settles with the charger's energy.
    ASSERT_EQ(stack.http().post("/api/v1/orders/" + std::to_string(id) + "/stop", "{}", rig.driver).status,
              200);
    auto settled = rig.wait(id, "settled");
    ASSERT_EQ(settled.at("state"), "settled") << json::serialize(settled);
    EXPECT_EQ(settled.at("energy_wh").as_int64(), sim_register(*rig.sim, rig.charger.code) - before);
}

TEST(StartRepeat, StartRepeatedAfterTheSessionEndedIsRefusedAndTheSettledOrderIsUnchanged) {
    Stack stack;
    Rig rig(stack, "REP-ENDED");
    const long long id = rig.start();
    ASSERT_EQ(rig.wait(id, "charging").at("state"), "charging");
    ASSERT_EQ(stack.http().post("/api/v1/orders/" + std::to_string(id) + "/stop", "{}", rig.driver).status,
              200);
    const json::object settled = rig.wait(id, "settled");
    ASSERT_EQ(settled.at("state"), "settled") << json::serialize(settled);
    const long long balance = stack.balance(rig.driver);
    const long long register_after = sim_register(*rig.sim, rig.charger.code);

    rig.send_start(id);  // a repeat that arrives late
    ASSERT_TRUE(eventually([&] {
        return rig.sim_log_count("cmd=start corr=o" + std::to_string(id) +
                                 "-start connector=1 accepted=false "
                                 "reason=already_ended") == 1;
    })) << rig.sim->log_tail();
    ASSERT_TRUE(eventually([&] {
        return stack.server_log().find("event=start_repeat_after_end code=" + rig.charger.code +
                                       " order=" + std::to_string(id)) != std::string::npos;
    })) << stack.server_log();
    // No second session at the charger; the order, the wallet and the ledger as they were.
    EXPECT_EQ(rig.sim_log_count("event=tx_started code=" + rig.charger.code), 1);
    EXPECT_EQ(rig.connector().at("tx_id"), "");
    EXPECT_EQ(sim_register(*rig.sim, rig.charger.code), register_after);
    auto order = stack.http().get("/api/v1/orders/" + std::to_string(id), rig.driver).json().as_object();
    for (const char* field :
         {"state", "stop_reason", "energy_wh", "total_fen", "paid_fen", "stopped_at", "settled_at"})
        EXPECT_EQ(order.at(field), settled.at(field)) << field;
    EXPECT_EQ(stack.balance(rig.driver), balance);
}

}  // namespace
}  // namespace kw::test
