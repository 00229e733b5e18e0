// The promises that matter when things go wrong: exactly-once events, timeouts, offline chargers,
// restarts and crashes. Real server, broker, Redis, SQLite and simulator.
#include <gtest/gtest.h>

#include <thread>

#include "charging_resilience_helpers.hpp"
#include "domain/clock.hpp"

namespace kw::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

using namespace resilience;

TEST(ChargingResilience, ReplayedAndDuplicatedTxEventsAreAppliedOnce) {
    Stack stack;
    Net n = setup(stack, "RES-DUP");
    auto sim = stack.start_sim({n.charger}, {"--meter-interval", "1", "--speed", "30"});
    ASSERT_TRUE(stack.wait_online(n.charger.code));
    const long long before = sim_register(*sim, n.charger.code);
    const long long id = start(n);
    stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "charging"); });
    // Hold tx events, end the session at the charger, drop the connection, come back: the ended
    // event is replayed after reconnect.
    sim->control("hold-tx " + n.charger.code + " on");
    std::this_thread::sleep_for(1500ms);
    sim->control("stop-local " + n.charger.code + " 1");
    sim->control("kill " + n.charger.code);
    ASSERT_TRUE(stack.wait_online(n.charger.code, false));
    sim->control("hold-tx " + n.charger.code + " off");
    sim->control("reconnect " + n.charger.code);
    auto settled = stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "settled"); });
    ASSERT_TRUE(is(settled, "settled")) << json::serialize(settled);
    EXPECT_EQ(str(settled.at("stop_reason")), "charger_local");
    const long long energy = sim_register(*sim, n.charger.code) - before;
    EXPECT_EQ(settled.at("energy_wh").as_int64(), energy);
    const long long balance = stack.balance(n.driver);

    // Every tx event again, acknowledged ones included: nothing changes.
    sim->control("duplicate-tx " + n.charger.code);
    ASSERT_TRUE(eventually([&] { return stack.server_log().find("event=tx_duplicate") != std::string::npos; }, 10s));
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(stack.balance(n.driver), balance);
    EXPECT_EQ(ledger_rows(stack, n.driver, "charge"), 1);
    EXPECT_EQ(stack.http().get("/api/v1/orders/" + std::to_string(id), n.driver).json().at("total_fen"),
              settled.at("total_fen"));
}

TEST(ChargingResilience, StopWhoseStartWasNeverSeenStillSettles) {
    Stack stack;
    // 60 kW, and the session ends 5 minutes after the order: 3456 Wh is possible (the ended event
    // alone is believed only as far as max_w x time since the order was created allows).
    Net n = setup(stack, "RES-NOSTART", 50000, "DC");
    TestCharger charger(stack.broker().port(), n.charger.code, n.charger.password);
    charger.boot();
    ASSERT_TRUE(stack.wait_online(n.charger.code));
    const long long id = start(n);
    auto cmd = accept_start(charger);
    ASSERT_TRUE(cmd);
    EXPECT_EQ(cmd->at("order_id").as_int64(), id);
    // The started event is lost; only ended arrives, carrying the start data.
    const std::string started_at = format_utc(kw::SystemClock().now() - 60'000);
    charger.publish_json("tx", {{"event", "ended"}, {"tx_id", "T-1"}, {"seq", 2}, {"connector", 1}, {"order_id", id},
                                {"meter_start_wh", 100000}, {"started_at", started_at}, {"meter_wh", 103456},
                                {"ts", format_utc(kw::SystemClock().now() + 300'000)}, {"reason", "local"}});
    auto settled = stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "settled"); });
    ASSERT_TRUE(is(settled, "settled")) << json::serialize(settled) << stack.server_log();
    EXPECT_EQ(settled.at("energy_wh").as_int64(), 3456);
    EXPECT_EQ(settled.at("total_fen").as_int64(), fee_fen(3456, kElectricity) + fee_fen(3456, kService));
    auto ack = charger.wait_command("tx_ack");
    ASSERT_TRUE(ack);
    EXPECT_EQ(str(ack->at("tx_id")), "T-1");
}

TEST(ChargingResilience, LostStopCommandIsRepeatedUntilTheChargerEndsTheSession) {
    Stack stack;
    Net n = setup(stack, "RES-STOPRPT");
    TestCharger charger(stack.broker().port(), n.charger.code, n.charger.password);
    charger.boot();
    ASSERT_TRUE(stack.wait_online(n.charger.code));
    const long long id = start_charging(n, charger, "T-R", 200000);
    ASSERT_NE(id, 0);  // the start command came
    auto stop = stack.http().post("/api/v1/orders/" + std::to_string(id) + "/stop", "{}", n.driver);
    ASSERT_EQ(stop.status, 200) << stop.body;
    // The charger never hears the first stop (lost on its way): the server sends it again.
    ASSERT_TRUE(eventually([&] { return stop_commands(charger, id) >= 2; }, 30s)) << stack.server_log();
    charger.publish_json("tx", {{"event", "ended"}, {"tx_id", "T-R"}, {"seq", 2}, {"connector", 1}, {"order_id", id},
                                {"meter_start_wh", 200000}, {"started_at", format_utc(kw::SystemClock().now() - 20'000)},
                                {"meter_wh", 200015}, {"ts", format_utc(kw::SystemClock().now())}, {"reason", "remote"}});
    auto settled = stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "settled"); });
    ASSERT_TRUE(is(settled, "settled")) << json::serialize(settled);
    // 15 Wh in the ~10 s the session ran: within what 7 kW can deliver (more would be clamped).
    EXPECT_EQ(settled.at("energy_wh").as_int64(), 15);
    EXPECT_EQ(str(settled.at("stop_reason")), "driver");
}

// An OCPP StopTransaction names no connector: the OCPP edge sends connector 0 when it did not see the
// start itself (docs/ocpp.md), and the order's own connector is meant.
TEST(ChargingResilience, AnEndedEventWithConnectorZeroSettlesTheOrderOnItsOwnConnector) {
    Stack stack;
    Net n = setup(stack, "RES-CONN0");
    TestCharger charger(stack.broker().port(), n.charger.code, n.charger.password);
    charger.boot();
    ASSERT_TRUE(stack.wait_online(n.charger.code));
    const long long id = start_charging(n, charger, "T-0", 200000);
    ASSERT_NE(id, 0);  // the start command came
    charger.publish_json("tx", {{"event", "ended"}, {"tx_id", "T-0"}, {"seq", 2}, {"connector", 0}, {"order_id", id},
                                {"meter_wh", 200015}, {"ts", format_utc(kw::SystemClock().now())}, {"reason", "local"}});
    auto settled = stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "settled"); });
    ASSERT_TRUE(is(settled, "settled")) << json::serialize(settled) << stack.server_log();
    EXPECT_EQ(settled.at("energy_wh").as_int64(), 15);
    EXPECT_EQ(settled.at("connector").as_int64(), 1);
    // A started event still needs its connector.
    charger.publish_json("tx", {{"event", "started"}, {"tx_id", "T-00"}, {"seq", 1}, {"connector", 0},
                                {"order_id", id}, {"meter_wh", 200015}, {"ts", format_utc(kw::SystemClock().now())}});
    ASSERT_TRUE(eventually(
        [&] { return stack.server_log().find("seq, connector or meter_wh out of range") != std::string::npos; }, 10s))
        << stack.server_log();
}

// The OCPP 2.0.1 edge names a transaction "T-<the station's id>"; after it restarted it knows that
// name but not the order, and its ended event names the transaction only.
TEST(ChargingResilience, AnEndedEventNamingOnlyItsTransactionSettlesTheOrderThatHasIt) {
    Stack stack;
    Net n = setup(stack, "RES-TXNAME");
    TestCharger charger(stack.broker().port(), n.charger.code, n.charger.password);
    charger.boot();
    ASSERT_TRUE(stack.wait_online(n.charger.code));
    const long long id = start_charging(n, charger, "T-abc", 300000);
    ASSERT_NE(id, 0);  // the start command came
    charger.publish_json("tx", {{"event", "ended"}, {"tx_id", "T-abc"}, {"seq", 2}, {"connector", 0},
                                {"meter_wh", 300012}, {"ts", format_utc(kw::SystemClock().now())}, {"reason", "local"}});
    auto settled = stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "settled"); });
    ASSERT_TRUE(is(settled, "settled")) << json::serialize(settled) << stack.server_log();
    EXPECT_EQ(settled.at("energy_wh").as_int64(), 12);
    // A started event still needs its order (or a card).
    charger.publish_json("tx", {{"event", "started"}, {"tx_id", "T-def"}, {"seq", 1}, {"connector", 1},
                                {"meter_wh", 300012}, {"ts", format_utc(kw::SystemClock().now())}});
    ASSERT_TRUE(eventually(
        [&] { return stack.server_log().find("field 'order_id' is required") != std::string::npos; }, 10s))
        << stack.server_log();
}

TEST(ChargingResilience, UnacknowledgedStartIsCancelledAtNoCharge) {
    Stack stack(StackOptions{false, {"--orders.start_timeout_s=2"}});
    Net n = setup(stack, "RES-NOACK");
    auto sim = stack.start_sim({n.charger});
    ASSERT_TRUE(stack.wait_online(n.charger.code));
    sim->control("drop-next-acks " + n.charger.code + " 1");
    const long long balance = stack.balance(n.driver);
    const long long id = start(n);
    auto cancelled = stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "cancelled"); }, 15s);
    ASSERT_TRUE(is(cancelled, "cancelled")) << json::serialize(cancelled);
    EXPECT_EQ(str(cancelled.at("stop_reason")), "start_timeout");
    EXPECT_EQ(cancelled.at("total_fen").as_int64(), 0);
    EXPECT_EQ(stack.balance(n.driver), balance);
    // The connector is free again: a new session can start.
    const long long again = start(n);
    auto charging = stack.wait_order(n.driver, again, [](const json::object& o) { return is(o, "charging"); });
    EXPECT_TRUE(is(charging, "charging")) << json::serialize(charging);
}

TEST(ChargingResilience, ChargerGoesOfflineByLastWill) {
    Stack stack;
    Net n = setup(stack, "RES-WILL", 0);
    auto sim = stack.start_sim({n.charger});
    ASSERT_TRUE(stack.wait_online(n.charger.code));
    sim->control("kill " + n.charger.code);
    // Heartbeat TTL is 90 s by default: going offline within seconds proves the will did it.
    EXPECT_TRUE(stack.wait_online(n.charger.code, false, 10s));
    EXPECT_NE(stack.server_log().find("event=charger_offline code=RES-WILL reason=connection_lost"), std::string::npos);
    sim->control("reconnect " + n.charger.code);
    EXPECT_TRUE(stack.wait_online(n.charger.code, true, 15s));
}

TEST(ChargingResilience, ChargerGoesOfflineByMissedHeartbeats) {
    Stack stack(StackOptions{false, {"--orders.heartbeat_s=1", "--orders.missed_heartbeats=2"}});
    Net n = setup(stack, "RES-SILENT", 0);
    TestCharger charger(stack.broker().port(), n.charger.code, n.charger.password);
    charger.boot();
    ASSERT_TRUE(stack.wait_online(n.charger.code));
    // Connected, but no more heartbeats: offline after 2 missed ones, no will involved.
    EXPECT_TRUE(stack.wait_online(n.charger.code, false, 10s));
    EXPECT_TRUE(charger.connected());
    // The TTL hides it at once; the sweeper then reports the transition (and pushes it) once.
    EXPECT_TRUE(eventually([&] { return stack.server_log().find("reason=missed_heartbeats") != std::string::npos; }, 5s));
    charger.publish_json("heartbeat", {});
    EXPECT_TRUE(stack.wait_online(n.charger.code, true, 5s));
}

TEST(ChargingResilience, ScheduleFiresAfterServerRestartExactlyOnce) {
    Stack stack;
    Net n = setup(stack, "RES-SCHED");
    auto sim = stack.start_sim({n.charger});
    ASSERT_TRUE(stack.wait_online(n.charger.code));
    const std::string at = format_utc(kw::SystemClock().now() + 4000);
    auto created = stack.http().post(
        "/api/v1/schedules",
        json::serialize(json::object{{"charger_code", n.charger.code}, {"connector", 1}, {"start_at", at},
                                     {"limits", {{"energy_wh", 500}}}}),
        n.driver);
    ASSERT_EQ(created.status, 201) << created.body;
    const long long schedule = created.json().at("id").as_int64();
    ASSERT_EQ(stack.stop_server(), 0);
    std::this_thread::sleep_for(5s);  // the start time passes while no server runs
    stack.start_server();
    json::object fired;
    ASSERT_TRUE(eventually(
        [&] {
            auto list = stack.http().get("/api/v1/schedules", n.driver).json();
            fired = list.at("items").as_array().at(0).as_object();
            return fired.at("state") == "fired";
        },
        15s))
        << json::serialize(fired);
    EXPECT_EQ(fired.at("id").as_int64(), schedule);
    const long long order_id = fired.at("order_id").as_int64();
    auto order = stack.wait_order(n.driver, order_id, [](const json::object& o) { return is(o, "charging"); });
    EXPECT_TRUE(is(order, "charging"));
    EXPECT_EQ(order.at("schedule_id").as_int64(), schedule);
    std::this_thread::sleep_for(2s);  // more sweeps: still one order
    EXPECT_EQ(stack.http().get("/api/v1/orders", n.driver).json().at("total").as_int64(), 1);
}

TEST(ChargingResilience, ScheduleOnOfflineChargerFailsWithReason) {
    Stack stack;
    Net n = setup(stack, "RES-SCHOFF");
    const std::string at = format_utc(kw::SystemClock().now() + 1000);
    auto created = stack.http().post(
        "/api/v1/schedules",
        json::serialize(json::object{{"charger_code", n.charger.code}, {"connector", 1}, {"start_at", at}}), n.driver);
    ASSERT_EQ(created.status, 201) << created.body;
    json::object s;
    ASSERT_TRUE(eventually(
        [&] {
            s = stack.http().get("/api/v1/schedules", n.driver).json().at("items").as_array().at(0).as_object();
            return s.at("state") == "failed";
        },
        10s));
    EXPECT_NE(str(s.at("fail_reason")).find("offline"), std::string::npos) << json::serialize(s);
}

// A schedule that falls due while Redis is down is tried again, and fires once Redis is back (it
// failed for good with "Connection refused" before).
TEST(ChargingResilience, ScheduleDueWhileRedisIsDownFiresOnceItIsBack) {
    Stack stack;
    Net n = setup(stack, "RES-SCHREDIS");
    auto sim = stack.start_sim({n.charger}, {"--heartbeat-s", "1"});
    ASSERT_TRUE(stack.wait_online(n.charger.code));
    const std::string at = format_utc(kw::SystemClock().now() + 1500);
    auto created = stack.http().post(
        "/api/v1/schedules",
        json::serialize(json::object{{"charger_code", n.charger.code}, {"connector", 1}, {"start_at", at}}), n.driver);
    ASSERT_EQ(created.status, 201) << created.body;

    stack.redis().stop();
    ASSERT_TRUE(eventually([&] { return stack.server_log().find("event=schedule_retry") != std::string::npos; }, 10s))
        << stack.server_log();
    stack.redis().start();
    stack.forget_logins();
    n.driver = stack.driver_token(n.phone);
    json::object s;
    ASSERT_TRUE(eventually(
        [&] {
            s = stack.http().get("/api/v1/schedules", n.driver).json().at("items").as_array().at(0).as_object();
            return s.at("state") == "fired";
        },
        20s))
        << json::serialize(s) << stack.server_log();
    const json::object o = stack.wait_order(n.driver, s.at("order_id").as_int64(),
                                            [](const json::object& o) { return is(o, "charging"); });
    EXPECT_TRUE(is(o, "charging")) << json::serialize(o);
}

TEST(ChargingResilience, ServerKilledMidSessionSettlesWithRightEnergyAfterRestart) {
    Stack stack;
    Net n = setup(stack, "RES-CRASH");
    auto sim = stack.start_sim({n.charger}, {"--meter-interval", "1", "--speed", "30"});
    ASSERT_TRUE(stack.wait_online(n.charger.code));
    const long long before = sim_register(*sim, n.charger.code);
    const long long id = start(n);
    stack.wait_order(n.driver, id, [](const json::object& o) {
        return is(o, "charging") && o.contains("live") && o.at("live").at("energy_wh").as_int64() > 100;
    });
    stack.kill_server();
    std::this_thread::sleep_for(2s);  // the charger keeps charging while the server is down
    stack.start_server();
    auto stop = stack.http().post("/api/v1/orders/" + std::to_string(id) + "/stop", "{}", n.driver);
    ASSERT_EQ(stop.status, 200) << stop.body;
    auto settled = stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "settled"); });
    ASSERT_TRUE(is(settled, "settled")) << json::serialize(settled);
    const long long energy = sim_register(*sim, n.charger.code) - before;
    EXPECT_EQ(settled.at("energy_wh").as_int64(), energy);
    EXPECT_EQ(settled.at("total_fen").as_int64(), fee_fen(energy, kElectricity) + fee_fen(energy, kService));
    EXPECT_EQ(stack.balance(n.driver), 50000 - settled.at("total_fen").as_int64());
}

TEST(ChargingResilience, ChargerRebootMidSessionClosesAtLastKnownMeterValue) {
    Stack stack;
    // 600 kW: a 1500 Wh rise within seconds is possible (on a smaller charger it would be refused).
    Net n = setup(stack, "RES-REBOOT", 50000, "DC", 600'000);
    TestCharger charger(stack.broker().port(), n.charger.code, n.charger.password);
    charger.boot("boot-A");
    ASSERT_TRUE(stack.wait_online(n.charger.code));
    const long long id = start(n);
    auto cmd = charger.wait_command("start");
    ASSERT_TRUE(cmd);
    charger.publish_json("tx", {{"event", "started"}, {"tx_id", "R-1"}, {"seq", 1}, {"connector", 1}, {"order_id", id},
                                {"meter_wh", 5000}});
    stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "charging"); });
    charger.publish_json("meter", {{"connector", 1}, {"energy_wh", 6500}, {"power_w", 45000}});
    ASSERT_TRUE(eventually([&] {
        auto o = stack.http().get("/api/v1/orders/" + std::to_string(id), n.driver).json().as_object();
        return o.contains("live") && o.at("live").at("energy_wh").as_int64() == 1500;
    }));
    charger.boot("boot-B");  // it restarted and lost the session
    auto settled = stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "settled"); });
    ASSERT_TRUE(is(settled, "settled")) << json::serialize(settled);
    EXPECT_EQ(str(settled.at("stop_reason")), "charger_rebooted");
    EXPECT_EQ(settled.at("energy_wh").as_int64(), 1500);
}

TEST(ChargingResilience, SessionOnChargerOfflineTooLongIsSettled) {
    Stack stack(StackOptions{false, {"--orders.offline_settle_s=2"}});
    // 600 kW: an 800 Wh rise within seconds is possible. (A reading stamped in the future, as this
    // test once sent, keeps the order from looking silent and made the settlement flaky.)
    Net n = setup(stack, "RES-GONE", 50000, "DC", 600'000);
    TestCharger charger(stack.broker().port(), n.charger.code, n.charger.password);
    charger.boot();
    ASSERT_TRUE(stack.wait_online(n.charger.code));
    const long long id = start(n);
    ASSERT_TRUE(charger.wait_command("start"));
    charger.publish_json("tx", {{"event", "started"}, {"tx_id", "G-1"}, {"seq", 1}, {"connector", 1}, {"order_id", id},
                                {"meter_wh", 1000}});
    // The reading the settlement must use: seen by the server before the charger goes. A meter
    // sample (QoS 0) may overtake the started event (QoS 1) at the broker and then belongs to no
    // running session yet, so it is sent until the order shows it (this test once failed with 0 Wh).
    auto charging = stack.wait_order(n.driver, id, [&](const json::object& o) {
        const json::value* live = o.if_contains("live");
        if (is(o, "charging") && live && live->is_object() && live->at("energy_wh").as_int64() == 800) return true;
        charger.publish_json("meter", {{"connector", 1}, {"energy_wh", 1800}, {"power_w", 45000}});
        return false;
    });
    ASSERT_TRUE(charging.at("live").is_object()) << json::serialize(charging);
    ASSERT_EQ(charging.at("live").at("energy_wh").as_int64(), 800) << json::serialize(charging);
    charger.kill();
    auto settled = stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "settled"); }, 20s);
    ASSERT_TRUE(is(settled, "settled")) << json::serialize(settled);
    EXPECT_EQ(str(settled.at("stop_reason")), "charger_offline");
    EXPECT_EQ(settled.at("energy_wh").as_int64(), 800);
}

TEST(ChargingResilience, SessionStopsItselfBeforeTheBalanceRunsOut) {
    Stack stack;
    Net n = setup(stack, "RES-MONEY", 300, "DC");  // 3 yuan at 1.5 yuan/kWh: about 2 kWh
    auto sim = stack.start_sim({n.charger}, {"--meter-interval", "1", "--speed", "20"});
    ASSERT_TRUE(stack.wait_online(n.charger.code));
    const long long id = start(n);
    auto settled = stack.wait_order(n.driver, id, [](const json::object& o) { return is(o, "settled"); }, 60s);
    ASSERT_TRUE(is(settled, "settled")) << json::serialize(settled);
    EXPECT_EQ(str(settled.at("stop_reason")), "balance_exhausted");
    EXPECT_LE(settled.at("total_fen").as_int64(), 300);
    EXPECT_EQ(settled.at("paid_fen").as_int64(), settled.at("total_fen").as_int64());
    EXPECT_GE(stack.balance(n.driver), 0);
    // The guard stops once cost so far + the next 60 s at 60 kW (1 kWh, 150 fen) reach the 300 fen
    // balance. Each fee of the cost so far is whole fen, rounded half up: 995 Wh cost 100 + 50 fen
    // (99.5 and 49.75), 994 Wh 99 + 50; so 995 Wh is the earliest (this failed at 999 Wh when the
    // bound was 1000). Whether the simulator sends one more sample before it obeys the stop is a
    // race (this once failed as `> 1000`).
    EXPECT_GE(settled.at("energy_wh").as_int64(), 995);
}

}  // namespace
}  // namespace kw::test

namespace kw::test {
namespace {

using namespace resilience;

// A driver who stops before the charger confirmed the start gets a cancelled order at no charge,
// and the server keeps answering (SQLite has a single connection: nothing may wait on itself).
TEST(ChargingResilience, StopBeforeTheChargerConfirmedCancelsAtNoCharge) {
    Stack stack;
    Net n = setup(stack, "RES-EARLY");
    auto sim = stack.start_sim({n.charger});
    ASSERT_TRUE(stack.wait_online(n.charger.code));
    sim->control("drop-next-acks " + n.charger.code + " 1");
    const long long id = start(n);
    auto stop = stack.http().post("/api/v1/orders/" + std::to_string(id) + "/stop", "{}", n.driver);
    ASSERT_EQ(stop.status, 200) << stop.body;
    EXPECT_EQ(str(stop.json().at("state")), "cancelled");
    EXPECT_EQ(str(stop.json().at("stop_reason")), "driver");
    EXPECT_EQ(stack.balance(n.driver), 50000);
    EXPECT_EQ(stack.http().get("/api/v1/me", n.driver).status, 200);
    // Staff force stop of a starting order works the same way.
    sim->control("drop-next-acks " + n.charger.code + " 1");
    const long long second = start(n);
    auto forced = stack.http().post("/api/v1/admin/orders/" + std::to_string(second) + "/force-stop", "{}",
                                    stack.admin_token());
    ASSERT_EQ(forced.status, 200) << forced.body;
    EXPECT_EQ(str(forced.json().at("state")), "cancelled");
}

}  // namespace
}  // namespace kw::test
