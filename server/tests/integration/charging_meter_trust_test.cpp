// Issue 7, meter data trusted too far: a charger plays raw MQTT (as tests/cases/ saved it) and the
// estimate, the live values and the bill count each Wh once, never more than the connector could
// deliver, and never from before the order existed.
#include <gtest/gtest.h>

#include <thread>

#include "charging_helpers.hpp"
#include "domain/clock.hpp"
#include "domain/meter.hpp"
#include "metrics_text.hpp"
#include "test_charger.hpp"

namespace kw::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr long long kElectricity = 10000, kService = 5000;  // 1.5 yuan per kWh
long long fee(long long wh) { return fee_fen(wh, kElectricity) + fee_fen(wh, kService); }

json::object load_case(const std::string& name) {
    return json::parse(read_file(std::string(KW_TEST_CASES) + "/" + name)).as_object();
}

int count(const std::string& text, const std::string& needle) {
    int n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
    return n;
}

// One DC charger (connector max_w from the case), played by the test, and a driver with money.
struct Rig {
    Rig(Stack& s, const std::string& code, long long max_w) : stack(s) {
        const long long station = stack.create_station(stack.create_tariff(flat_tariff(kElectricity, kService)));
        charger = stack.create_charger(station, code, "DC", 1, max_w);
        device = std::make_unique<TestCharger>(stack.broker().port(), charger.code, charger.password);
        device->boot();
        EXPECT_TRUE(stack.wait_online(charger.code));
        driver = stack.driver_token("1370000" + std::to_string(1000 + code.size()));
        stack.topup(driver, 100000);
    }

    // Creates the order and answers as the charger: start accepted and, unless lost, tx started at
    // `register_wh`. t0 is taken after the order exists, so it is never before its creation.
    long long start(long long register_wh, bool started = true) {
        auto r = stack.http().post("/api/v1/orders", order_body(charger.code), driver);
        EXPECT_EQ(r.status, 201) << r.body;
        const long long id = r.json().at("id").as_int64();
        t0 = SystemClock().now();
        std::optional<json::object> cmd;
        eventually([&] {
            cmd = device->wait_command("start", 200ms);
            return cmd && cmd->at("order_id").as_int64() == id;
        });
        EXPECT_TRUE(cmd && cmd->at("order_id").as_int64() == id);
        if (cmd) device->publish_json("ack", {{"corr", cmd->at("corr")}, {"cmd", "start"}, {"accepted", true}});
        if (started) {
            device->publish_json("tx", {{"event", "started"}, {"tx_id", tx_id(id)}, {"seq", 1}, {"connector", 1},
                                        {"order_id", id}, {"meter_wh", register_wh}, {"ts", format_utc(t0)}});
            stack.wait_order(driver, id, [](const json::object& o) { return o.at("state") == "charging"; });
        }
        return id;
    }

    void meter(long long id, long long after_s, long long register_wh, long long power_w = 30000) {
        device->publish_json("meter", {{"connector", 1}, {"tx_id", tx_id(id)}, {"ts", format_utc(t0 + after_s * 1000)},
                                       {"energy_wh", register_wh}, {"power_w", power_w}});
    }

    json::object end(long long id, long long after_s, long long register_wh, long long meter_start_wh,
                     UtcMs started_at) {
        device->publish_json("tx", {{"event", "ended"}, {"tx_id", tx_id(id)}, {"seq", 2}, {"connector", 1},
                                    {"order_id", id}, {"meter_start_wh", meter_start_wh},
                                    {"started_at", format_utc(started_at)}, {"meter_wh", register_wh},
                                    {"ts", format_utc(t0 + after_s * 1000)}, {"reason", "local"}});
        return stack.wait_order(driver, id, [](const json::object& o) { return o.at("state") == "settled"; });
    }

    json::object order(long long id) {
        return stack.http().get("/api/v1/orders/" + std::to_string(id), driver).json().as_object();
    }

    static std::string tx_id(long long id) { return "T-" + std::to_string(id); }

    Stack& stack;
    ChargerCredentials charger;
    std::unique_ptr<TestCharger> device;
    std::string driver;
    UtcMs t0 = 0;
};

long long live_energy(const json::object& order) {
    return order.contains("live") ? order.at("live").at("energy_wh").as_int64() : -1;
}

// Replays a meter case: readings relative to the start register, then the ended event.
void replay_meter_case(const std::string& file, const std::string& code) {
    Stack stack;
    const json::object c = load_case(file);
    Rig rig(stack, code, c.at("connector_max_w").as_int64());
    const long long start = 125000;
    const long long id = rig.start(start);
    for (const json::value& r : c.at("readings").as_array())
        rig.meter(id, r.at("after_s").as_int64(), start + r.at("register_wh").as_int64());
    const json::array& rejected = c.at("rejected").as_array();
    const std::string line = "event=mqtt_rejected charger=" + code + " connector=1 order=" + std::to_string(id);
    ASSERT_TRUE(eventually([&] { return count(stack.server_log(), line) >= static_cast<int>(rejected.size()); }, 10s))
        << stack.server_log();
    for (const json::value& reason : rejected)
        EXPECT_NE(stack.server_log().find(line + " reason=" + std::string(reason.as_string())), std::string::npos);

    // The running estimate counts the accepted readings once (the balance guard reads it).
    const long long billed = c.at("billed_wh").as_int64();
    json::object running;
    ASSERT_TRUE(eventually([&] {
        running = rig.order(id);
        return live_energy(running) == billed;
    })) << json::serialize(running);
    EXPECT_EQ(running.at("live").at("cost_fen").as_int64(), fee(billed)) << json::serialize(running);
    // Nothing of a refused reading reached the live connector either.
    auto charger = stack.http().get("/api/v1/chargers/" + code, rig.driver).json();
    EXPECT_EQ(charger.at("connectors").at(0).at("energy_wh").as_int64(), start + billed) << json::serialize(charger);

    const json::object& e = c.at("end").as_object();
    auto settled = rig.end(id, e.at("after_s").as_int64(), start + e.at("register_wh").as_int64(), start, rig.t0);
    ASSERT_EQ(settled.at("state"), "settled") << json::serialize(settled) << stack.server_log();
    EXPECT_EQ(settled.at("energy_wh").as_int64(), billed);
    EXPECT_EQ(settled.at("total_fen").as_int64(), fee(billed));
    EXPECT_EQ(stack.balance(rig.driver), 100000 - fee(billed));
}

// A reading older than the last one arrives late (a replay, or two instances sharing a charger's
// messages): the connector keeps showing the newer reading, the estimate counts nothing twice, and
// the sample is counted as stale in the metrics (no log line per sample: under load there are many).
TEST(MeterTrust, OlderReadingArrivingLateLeavesTheLiveValuesAndTheEstimateAsTheyWere) {
    Stack stack({.server_flags = {"--server.metrics_token=" + kMetricsToken}});
    Rig rig(stack, "TRUST-LATE", 60000);
    const long long start = 125000;
    const long long id = rig.start(start);
    rig.meter(id, 10, start + 50, 30000);
    json::object running;
    ASSERT_TRUE(eventually([&] {
        running = rig.order(id);
        return live_energy(running) == 50;
    })) << json::serialize(running);

    const std::string stale = "kind=\"meter\",result=\"stale\"";
    EXPECT_EQ(sample_sum(scrape(stack), "kw_device_messages_total", stale), 0);
    rig.meter(id, 5, start + 50, 1000);  // five seconds older, another power
    std::string metrics;
    ASSERT_TRUE(eventually([&] {
        metrics = scrape(stack);
        return sample_sum(metrics, "kw_device_messages_total", stale) == 1;
    }, 10s)) << metrics;
    EXPECT_EQ(stack.server_log().find("event=meter_stale"), std::string::npos);
    auto charger = stack.http().get("/api/v1/chargers/TRUST-LATE", rig.driver).json();
    EXPECT_EQ(charger.at("connectors").at(0).at("power_w").as_int64(), 30000) << json::serialize(charger);
    running = rig.order(id);
    EXPECT_EQ(live_energy(running), 50) << json::serialize(running);
    EXPECT_EQ(running.at("live").at("power_w").as_int64(), 30000) << json::serialize(running);
}

TEST(MeterTrust, RegisterThatGoesBackThenUpIsCountedOnceByTheEstimateAndTheBill) {
    replay_meter_case("meter-register-goes-back.json", "TRUST-BACK");
}

TEST(MeterTrust, JumpAboveMaxPowerIsRejectedLoggedAndNeitherShownNorBilled) {
    replay_meter_case("meter-jump-above-max-power.json", "TRUST-JUMP");
}

TEST(MeterTrust, EndedEventWithForgedLowStartIsBilledFromTheOrdersStart) {
    Stack stack;
    const json::object c = load_case("tx-ended-forged-start.json");
    const long long max_w = c.at("connector_max_w").as_int64();
    const json::object& ended = c.at("ended").as_object();
    const long long start = c.at("register_at_start_wh").as_int64();
    const long long energy = ended.at("energy_wh").as_int64();
    const long long forged_start = ended.at("meter_start_wh").as_int64();
    const long long after_s = ended.at("after_s").as_int64();
    Rig rig(stack, "TRUST-FORGE", max_w);

    // The started event was recorded: the order's start is billed, not the forged one.
    const long long first = rig.start(start);
    const UtcMs before_order = rig.t0 - ended.at("started_before_order_s").as_int64() * 1000;
    auto settled = rig.end(first, after_s, start + energy, forged_start, before_order);
    ASSERT_EQ(settled.at("state"), "settled") << json::serialize(settled) << stack.server_log();
    EXPECT_EQ(settled.at("energy_wh").as_int64(), energy);
    EXPECT_EQ(settled.at("total_fen").as_int64(), fee(energy));
    EXPECT_EQ(settled.at("meter_start_wh").as_int64(), start);

    // The started event was lost: the ended event alone cannot bill from before the order existed,
    // nor more than the connector could deliver since then.
    const long long second_start = start + energy;
    const long long second = rig.start(second_start, /*started=*/false);
    auto created = rig.order(second);
    const UtcMs created_at = parse_utc(std::string(created.at("created_at").as_string()));
    auto lost = rig.end(second, after_s, second_start + energy, forged_start, before_order);
    ASSERT_EQ(lost.at("state"), "settled") << json::serialize(lost) << stack.server_log();
    const long long possible = domain::max_energy_wh(max_w, rig.t0 + after_s * 1000 - created_at);
    EXPECT_EQ(lost.at("energy_wh").as_int64(), std::min(possible, second_start + energy)) << json::serialize(lost);
    EXPECT_LT(lost.at("energy_wh").as_int64(), 2 * energy);
    EXPECT_EQ(lost.at("total_fen").as_int64(), fee(lost.at("energy_wh").as_int64()));
    EXPECT_EQ(parse_utc(std::string(lost.at("started_at").as_string())), created_at) << json::serialize(lost);
    EXPECT_NE(stack.server_log().find("event=tx_ended_clamped order=" + std::to_string(second)), std::string::npos);
}

// A session whose ended event carries its started event's time (shorter than the timestamps'
// resolution: the charger's clock in whole seconds, or both in the same millisecond) delivered what
// its register says, and is billed for it.
TEST(MeterTrust, ASessionEndingAtTheInstantItStartedIsBilledTheEnergyItsRegisterShows) {
    Stack stack;
    Rig rig(stack, "TRUST-INSTANT", 60000);
    const long long id = rig.start(300000);
    const json::object settled = rig.end(id, 0, 300015, 300000, rig.t0);
    ASSERT_EQ(settled.at("state"), "settled") << json::serialize(settled) << stack.server_log();
    EXPECT_EQ(settled.at("energy_wh").as_int64(), 15);
    EXPECT_EQ(settled.at("total_fen").as_int64(), fee(15));
}

}  // namespace
}  // namespace kw::test
