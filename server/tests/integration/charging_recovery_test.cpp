// What the server rebuilds or corrects when one part lost its state: Redis coming back empty (the
// chargers' live records are rebuilt from SQL on their next message), and a charger still running a
// transaction of an order the server closed while it was unreachable (it is told to stop). Real
// server, broker, Redis, SQLite, and the simulator or a test charger over MQTT.
#include <gtest/gtest.h>

#include <thread>

#include "charging_resilience_helpers.hpp"
#include "domain/clock.hpp"
#include "live/redis.hpp"

namespace kw::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using namespace resilience;

long long live_energy(const json::object& order) {
    return order.contains("live") ? order.at("live").at("energy_wh").as_int64() : -1;
}

// The connector's register as the public charger view shows it (Redis live values).
long long shown_register(Stack& stack, const std::string& code, const std::string& token) {
    auto r = stack.http().get("/api/v1/chargers/" + code, token);
    return r.status == 200 ? r.json().at("connectors").at(0).at("energy_wh").as_int64() : -1;
}

std::string sim_tx(Sim& sim, const std::string& code) {
    return str(sim.status(code).at("charger").at("connectors").at(0).at("tx_id"));
}

TEST(ChargingRecovery, SessionGoesOnAfterRedisCameBackEmpty) {
    Stack stack;
    Net n = setup(stack, "REC-EMPTY");
    // Heartbeats only every 10 minutes: after Redis lost its data, only the meter values can bring
    // the charger back online within the test.
    auto sim = stack.start_sim({n.charger}, {"--meter-interval", "1", "--speed", "30", "--heartbeat-s", "600"});
    ASSERT_TRUE(stack.wait_online(n.charger.code));
    const long long before = sim_register(*sim, n.charger.code);
    const long long id = start(n);
    const json::object running =
        stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "charging") && live_energy(o) > 0; });
    ASSERT_GT(live_energy(running), 0) << json::serialize(running);

    stack.redis().restart();  // no persistence: presence, live values, running state and logins are gone
    stack.forget_logins();
    n.driver = stack.driver_token(n.phone);
    const long long register_at_loss = sim_register(*sim, n.charger.code);

    // The charger's next meter values rebuild its record: it is online at once, its live values and
    // the order's running energy and cost go on from where SQL left them.
    EXPECT_TRUE(stack.wait_online(n.charger.code, true, 15s)) << stack.server_log();
    ASSERT_TRUE(eventually([&] { return shown_register(stack, n.charger.code, n.driver) > register_at_loss; }, 15s))
        << stack.server_log();
    const json::object resumed = stack.wait_order(n.driver, id, [&](const json::object& o) {
        return live_energy(o) > register_at_loss - before;
    });
    ASSERT_GT(live_energy(resumed), register_at_loss - before) << json::serialize(resumed) << stack.server_log();
    // No Wh counted twice: on a flat tariff the estimate is exactly the fee of the energy so far.
    const long long wh = live_energy(resumed);
    EXPECT_EQ(resumed.at("live").at("cost_fen").as_int64(), fee_fen(wh, kElectricity) + fee_fen(wh, kService));
    EXPECT_NE(stack.server_log().find("event=live_record_restored code=REC-EMPTY"), std::string::npos);

    // The ended event bills exactly what the charger delivered.
    auto stop = stack.http().post("/api/v1/orders/" + std::to_string(id) + "/stop", "{}", n.driver);
    ASSERT_EQ(stop.status, 200) << stop.body;
    auto settled = stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "settled"); });
    ASSERT_TRUE(is(settled, "settled")) << json::serialize(settled);
    EXPECT_EQ(str(settled.at("stop_reason")), "driver");
    const long long energy = sim_register(*sim, n.charger.code) - before;
    EXPECT_EQ(settled.at("energy_wh").as_int64(), energy);
    EXPECT_EQ(settled.at("total_fen").as_int64(), fee_fen(energy, kElectricity) + fee_fen(energy, kService));
    EXPECT_EQ(stack.balance(n.driver), 50000 - settled.at("total_fen").as_int64());
}

TEST(ChargingRecovery, ChargerRebootedWhileRedisWasEmptyHasItsSessionsClosed) {
    // A billing sample at least every second, so SQL knows the reading below.
    Stack stack(StackOptions{false, {"--orders.persist_interval_s=1"}});
    // 600 kW: a 1500 Wh rise within seconds is possible.
    Net n = setup(stack, "REC-REBOOT", 50000, "DC", 600'000);
    TestCharger charger(stack.broker().port(), n.charger.code, n.charger.password);
    charger.boot("boot-A");
    ASSERT_TRUE(stack.wait_online(n.charger.code));
    const long long id = start(n);
    ASSERT_TRUE(accept_start(charger));
    charger.publish_json("tx", {{"event", "started"}, {"tx_id", "RB-1"}, {"seq", 1}, {"connector", 1}, {"order_id", id},
                                {"meter_wh", 5000}});
    stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "charging"); });
    std::this_thread::sleep_for(1200ms);  // past persist_interval_s: the next reading goes to SQL
    charger.publish_json("meter", {{"connector", 1}, {"tx_id", "RB-1"}, {"energy_wh", 6500}, {"power_w", 45000}});
    ASSERT_TRUE(eventually([&] {
        return live_energy(stack.http().get("/api/v1/orders/" + std::to_string(id), n.driver).json().as_object()) ==
               1500;
    }));

    stack.redis().restart();
    stack.forget_logins();
    n.driver = stack.driver_token(n.phone);
    charger.boot("boot-B");  // it restarted meanwhile and lost the session: Redis no longer knows boot-A
    auto settled = stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "settled"); });
    ASSERT_TRUE(is(settled, "settled")) << json::serialize(settled) << stack.server_log();
    EXPECT_EQ(str(settled.at("stop_reason")), "charger_rebooted");
    EXPECT_EQ(settled.at("energy_wh").as_int64(), 1500);
}

TEST(ChargingRecovery, StartedEventIsStoredWhileRedisIsDown) {
    Stack stack;
    Net n = setup(stack, "REC-DOWN", 50000, "DC", 600'000);
    TestCharger charger(stack.broker().port(), n.charger.code, n.charger.password);
    charger.boot();
    ASSERT_TRUE(stack.wait_online(n.charger.code));
    const long long id = start(n);
    ASSERT_TRUE(accept_start(charger));

    stack.redis().stop();
    charger.publish_json("tx", {{"event", "started"}, {"tx_id", "DOWN-1"}, {"seq", 1}, {"connector", 1},
                                {"order_id", id}, {"meter_wh", 7000}});
    // Not acknowledged (the running state could not be written), but in SQL: the order is charging,
    // so a stop now is a stop of a charging session, billed by its ended event, not a cancellation.
    ASSERT_TRUE(eventually([&] {
        return stack.server_log().find("event=mqtt_rejected topic=kw/v1/REC-DOWN/tx") != std::string::npos;
    })) << stack.server_log();
    stack.redis().start();
    stack.forget_logins();
    n.driver = stack.driver_token(n.phone);
    const json::object order = stack.http().get("/api/v1/orders/" + std::to_string(id), n.driver).json().as_object();
    EXPECT_EQ(str(order.at("state")), "charging") << json::serialize(order);
    EXPECT_EQ(order.at("meter_start_wh"), json::value(7000));
}

TEST(ChargingRecovery, ChargerStillChargingASettledOrderIsToldToStop) {
    // On MariaDB (the fault harness's database; the late start below runs the same lookup on SQLite).
    Stack stack(StackOptions{true, {"--orders.stop_timeout_s=3"}});
    Net n = setup(stack, "REC-STALE");
    auto sim = stack.start_sim({n.charger}, {"--meter-interval", "1", "--speed", "30"});
    ASSERT_TRUE(stack.wait_online(n.charger.code));
    const long long id = start(n);
    stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "charging") && live_energy(o) > 0; });
    const std::string tx = sim_tx(*sim, n.charger.code);
    ASSERT_FALSE(tx.empty());

    // The charger becomes unreachable: the driver's stop never reaches it, the stop timeout settles
    // the order at the last reading the server has.
    sim->control("kill " + n.charger.code);
    ASSERT_TRUE(stack.wait_online(n.charger.code, false));
    auto stop = stack.http().post("/api/v1/orders/" + std::to_string(id) + "/stop", "{}", n.driver);
    ASSERT_EQ(stop.status, 200) << stop.body;
    auto settled = stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "settled"); });
    ASSERT_TRUE(is(settled, "settled")) << json::serialize(settled);
    EXPECT_EQ(str(settled.at("stop_reason")), "stop_timeout");
    const long long balance = stack.balance(n.driver);
    EXPECT_EQ(sim_tx(*sim, n.charger.code), tx);  // still charging

    // Back, still charging the settled order: its meter values name the transaction, so it is told
    // to stop, and it ends the transaction.
    sim->control("reconnect " + n.charger.code);
    ASSERT_TRUE(eventually([&] { return sim_tx(*sim, n.charger.code).empty(); }, 20s)) << stack.server_log();
    EXPECT_NE(stack.server_log().find("event=stale_tx_stop code=REC-STALE connector=1 tx_id=" + tx + " order=" +
                                      std::to_string(id)),
              std::string::npos);
    // Its ended event is acknowledged (the charger forgets it) and settles nothing a second time.
    ASSERT_TRUE(eventually([&] { return sim->status(n.charger.code).at("charger").at("unacked").as_int64() == 0; },
                           15s));
    EXPECT_NE(stack.server_log().find("event=tx_ended_for_closed_order code=REC-STALE order=" + std::to_string(id)),
              std::string::npos);
    const json::object after = stack.http().get("/api/v1/orders/" + std::to_string(id), n.driver).json().as_object();
    EXPECT_EQ(str(after.at("state")), "settled");
    EXPECT_EQ(str(after.at("stop_reason")), "stop_timeout");
    EXPECT_EQ(after.at("energy_wh"), settled.at("energy_wh"));
    EXPECT_EQ(after.at("total_fen"), settled.at("total_fen"));
    EXPECT_EQ(ledger_rows(stack, n.driver, "charge"), 1);
    EXPECT_EQ(stack.balance(n.driver), balance);
}

TEST(ChargingRecovery, StartAfterTheStartTimeoutIsStoppedAgainWhenTheFirstStopIsLost) {
    Stack stack(StackOptions{false, {"--orders.start_timeout_s=2"}});
    Net n = setup(stack, "REC-LATE", 50000, "DC", 600'000);
    TestCharger charger(stack.broker().port(), n.charger.code, n.charger.password);
    charger.boot();
    ASSERT_TRUE(stack.wait_online(n.charger.code));
    const long long id = start(n);
    ASSERT_TRUE(charger.wait_command("start"));  // not answered: the start timeout cancels the order
    auto cancelled = stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "cancelled"); }, 15s);
    ASSERT_TRUE(is(cancelled, "cancelled")) << json::serialize(cancelled);
    const auto stops = [&] { return stop_commands(charger, id, "LATE-1"); };
    // The charger starts anyway, late: the server stops the transaction, but that stop is lost (this
    // charger ignores it) and the charger goes on reporting the transaction, every second.
    charger.publish_json("tx", {{"event", "started"}, {"tx_id", "LATE-1"}, {"seq", 1}, {"connector", 1},
                                {"order_id", id}, {"meter_wh", 9000}});
    ASSERT_TRUE(eventually([&] { return stops() == 1; }, 10s)) << stack.server_log();
    // The stop goes out again (at most every 10 s: not at once for the samples right behind the first).
    long long wh = 9000;
    ASSERT_TRUE(eventually(
        [&] {
            wh += 40;
            charger.publish_json("meter", {{"connector", 1}, {"tx_id", "LATE-1"}, {"energy_wh", wh}, {"power_w", 40000}});
            return stops() == 2;
        },
        25s, 1s))
        << stack.server_log();
    EXPECT_NE(stack.server_log().find("event=stale_tx_stop code=REC-LATE connector=1 tx_id=LATE-1 order=" +
                                      std::to_string(id) + " state=cancelled"),
              std::string::npos);
    // The order stays cancelled at no charge.
    const json::object after = stack.http().get("/api/v1/orders/" + std::to_string(id), n.driver).json().as_object();
    EXPECT_EQ(str(after.at("state")), "cancelled");
    EXPECT_EQ(after.at("total_fen").as_int64(), 0);
    EXPECT_EQ(stack.balance(n.driver), 50000);
}

// Right after Redis came back empty nobody is known to be online: a session whose charger has not
// been heard from yet is not settled as offline (it would be within a second: the offline
// settlement is 1 s here) until a heartbeat period has passed.
TEST(ChargingRecovery, NoSessionIsSettledAsOfflineBeforeAHeartbeatPeriodAfterRedisCameBackEmpty) {
    Stack stack(StackOptions{false, {"--orders.offline_settle_s=1", "--orders.heartbeat_s=20"}});
    Net n = setup(stack, "REC-UNK");
    // Heartbeats and meter values rare: after the loss the charger says nothing for a while.
    auto sim = stack.start_sim({n.charger}, {"--meter-interval", "60", "--heartbeat-s", "600"});
    ASSERT_TRUE(stack.wait_online(n.charger.code));
    const long long id = start(n);
    ASSERT_TRUE(is(stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "charging"); }),
                   "charging"));

    stack.redis().restart();
    stack.forget_logins();
    n.driver = stack.driver_token(n.phone);
    // The sweeper runs every second; give it several rounds to (wrongly) settle the session.
    std::this_thread::sleep_for(5s);
    auto r = stack.http().get("/api/v1/orders/" + std::to_string(id), n.driver);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(str(r.json().at("state")), "charging") << r.body << stack.server_log();
}

// Right after Redis came back empty a start is tried on a charger not heard from yet (it is not known
// to be offline) and the session charges; before, it was refused as offline until a heartbeat.
TEST(ChargingRecovery, AStartRightAfterRedisCameBackEmptyReachesAChargerNotHeardFromYet) {
    Stack stack;
    Net n = setup(stack, "REC-START");
    auto sim = stack.start_sim({n.charger}, {"--meter-interval", "60", "--heartbeat-s", "600"});
    ASSERT_TRUE(stack.wait_online(n.charger.code));

    stack.redis().restart();
    stack.forget_logins();
    n.driver = stack.driver_token(n.phone);
    const long long id = start(n);
    const json::object o = stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "charging"); });
    EXPECT_TRUE(is(o, "charging")) << json::serialize(o) << stack.server_log();
}

// Redis lost its data while the database was down: the heartbeats cannot rebuild the charger's
// record, but they still mark it online (else its sessions would be settled as offline).
TEST(ChargingRecovery, HeartbeatsKeepAChargerOnlineWhenRedisAndTheDatabaseAreBothLost) {
    Stack stack(StackOptions{.mariadb = true});
    Net n = setup(stack, "REC-HB");
    auto sim = stack.start_sim({n.charger}, {"--heartbeat-s", "1"});
    ASSERT_TRUE(stack.wait_online(n.charger.code));

    stack.mariadb().stop();
    stack.redis().restart();  // empty: the charger's presence and record are gone
    live::RedisConfig cfg;
    cfg.port = stack.redis().port();
    cfg.password = stack.redis().password();
    cfg.pool_size = 1;
    live::Redis redis(cfg);
    const std::string online_key = "kw:online:" + n.charger.code;
    EXPECT_TRUE(eventually([&] { return redis.command({"EXISTS", online_key}).integer == 1; }, 10s))
        << stack.server_log();
    // The heartbeat marks the charger online before it tries the rebuild, whose failure is logged
    // just after: waited for, not read at once (a loaded machine showed the key before the line).
    EXPECT_TRUE(eventually(
        [&] { return stack.server_log().find("topic=kw/v1/REC-HB/heartbeat code=unavailable") != std::string::npos; },
        10s))
        << "the rebuild was tried and failed (database down)";

    // The database back: the next heartbeat rebuilds the record.
    stack.mariadb().start();
    EXPECT_TRUE(eventually([&] {
        return stack.server_log().find("event=live_record_restored code=REC-HB") != std::string::npos;
    }, 20s)) << stack.server_log();
}

}  // namespace
}  // namespace kw::test
