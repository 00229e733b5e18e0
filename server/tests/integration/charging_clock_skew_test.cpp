// Chargers whose clocks are minutes wrong (issue 10): the server measures each charger's clock and
// puts its times on the server's clock, so energy, cost, tariff periods and order times are what a
// charger with a right clock gets. Real server, broker, Redis, SQLite and simulator.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "charging_helpers.hpp"
#include "domain/clock.hpp"

namespace kw::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr long long kPeak = 20000, kValley = 3000, kService = 5000;

// "HH:MM" of a minute of the day (0..1440).
std::string hh_mm(int minute) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
    return buf;
}

// Valley (cheap) from about 2 minutes before `now` to about 2 minutes after it (Asia/Shanghai, whole
// minutes), peak the rest of the day: a session now is all valley; the same session 5 minutes
// earlier or later, as a wrong clock would place it, all peak.
json::value valley_around(UtcMs now) {
    const long long local_min = (now / 60'000 + 8 * 60) % 1440;  // UTC+8, no DST
    const int from = static_cast<int>((local_min - 2 + 1440) % 1440);
    const int to = static_cast<int>((local_min + 3) % 1440);
    json::array periods;
    auto add = [&](int a, int b, const char* kind) {
        if (a < b) periods.push_back(json::array{json::value(hh_mm(a)), json::value(hh_mm(b)), kind});
    };
    if (from < to) {
        add(0, from, "peak");
        add(from, to, "valley");
        add(to, 1440, "peak");
    } else {  // around midnight
        add(0, to, "valley");
        add(to, from, "peak");
        add(from, 1440, "valley");
    }
    return json::object{{"prices",
                         {{"peak", {{"electricity", kPeak}, {"service", kService}}},
                          {"valley", {{"electricity", kValley}, {"service", kService}}}}},
                        {"periods", std::move(periods)}};
}

struct Session {
    ChargerCredentials charger;
    std::string driver;
    int offset_s = 0;
    long long register_before = 0;
    long long order = 0;
};

TEST(ClockSkew, ChargersFiveMinutesBehindOrAheadBillTheSameEnergyCostAndTimesAsOneWithTheRightClock) {
    Stack stack;
    const UtcMs t0 = SystemClock().now();
    const long long station = stack.create_station(stack.create_tariff(valley_around(t0)));
    std::vector<Session> sessions = {{{}, "", 0}, {{}, "", -300}, {{}, "", 300}};
    const char* codes[] = {"SKEW-RIGHT", "SKEW-BEHIND", "SKEW-AHEAD"};
    std::vector<ChargerCredentials> chargers;
    for (std::size_t i = 0; i < sessions.size(); ++i) {
        sessions[i].charger = stack.create_charger(station, codes[i]);
        sessions[i].driver = stack.driver_token("1366000000" + std::to_string(i));
        stack.topup(sessions[i].driver, 50000);
        chargers.push_back(sessions[i].charger);
    }
    auto sim = stack.start_sim(chargers, {"--meter-interval", "1", "--speed", "20"});
    for (const auto& s : sessions) ASSERT_TRUE(stack.wait_online(s.charger.code));
    // The clocks go wrong while the chargers are online (as a charger's clock jumps): the first
    // message with the new clock is the start's tx event.
    for (const auto& s : sessions)
        if (s.offset_s != 0) sim->control("clock " + s.charger.code + " " + std::to_string(s.offset_s));

    for (auto& s : sessions) {
        s.register_before = sim_register(*sim, s.charger.code);
        auto r = stack.http().post("/api/v1/orders", order_body(s.charger.code), s.driver);
        ASSERT_EQ(r.status, 201) << r.body;
        s.order = r.json().at("id").as_int64();
    }
    for (auto& s : sessions) {
        auto o = stack.wait_order(s.driver, s.order, [](const json::object& o) {
            return o.at("state") == "charging" && o.contains("live") &&
                   o.at("live").at("energy_wh").as_int64() > 300;
        });
        ASSERT_EQ(o.at("state"), "charging") << json::serialize(o) << stack.server_log();
    }
    for (auto& s : sessions)
        ASSERT_EQ(
            stack.http().post("/api/v1/orders/" + std::to_string(s.order) + "/stop", "{}", s.driver).status,
            200);

    for (auto& s : sessions) {
        auto settled = stack.wait_order(s.driver, s.order,
                                        [](const json::object& o) { return o.at("state") == "settled"; });
        ASSERT_EQ(settled.at("state"), "settled") << json::serialize(settled);
        const UtcMs t1 = SystemClock().now();
        const long long energy = sim_register(*sim, s.charger.code) - s.register_before;
        SCOPED_TRACE(s.charger.code + " " + json::serialize(settled));
        EXPECT_EQ(settled.at("energy_wh").as_int64(), energy);
        EXPECT_EQ(settled.at("total_fen").as_int64(), fee_fen(energy, kValley) + fee_fen(energy, kService));
        for (const auto& seg : settled.at("segments").as_array()) EXPECT_EQ(seg.at("kind"), "valley");
        // On the server's clock: between the test's start and now (the test runs on the server's machine).
        for (const char* field : {"started_at", "stopped_at"}) {
            const UtcMs at = parse_utc(str(settled.at(field)));
            EXPECT_GE(at, t0) << field;
            EXPECT_LE(at, t1) << field;
        }
    }
    // No reading was refused for the wrong clocks (and the live energy grew past 300 Wh within the
    // wait above: readings were not dropped as stale either; 5 minutes of them would have been).
    const std::string log = stack.server_log();
    EXPECT_EQ(log.find("event=mqtt_rejected"), std::string::npos) << log;
    // The operator is told: a warning per skewed charger, an alarm in the console.
    EXPECT_NE(log.find("event=charger_clock_skew code=SKEW-BEHIND offset_s=-300"), std::string::npos);
    EXPECT_NE(log.find("event=charger_clock_skew code=SKEW-AHEAD offset_s=300"), std::string::npos);
    EXPECT_EQ(log.find("event=charger_clock_skew code=SKEW-RIGHT"), std::string::npos);
    auto alarms = stack.http().get("/api/v1/admin/alarms?active=true", stack.admin_token()).json();
    std::set<std::string> skewed;
    for (const auto& a : alarms.at("items").as_array())
        if (a.at("code") == "clock_skew") skewed.insert(str(a.at("charger_code")));
    EXPECT_EQ(skewed, (std::set<std::string>{"SKEW-AHEAD", "SKEW-BEHIND"})) << json::serialize(alarms);

    // The clock put right: the alarm is cleared.
    sim->control("clock SKEW-BEHIND 0");
    sim->control(
        "plug SKEW-BEHIND 1");  // a status change comes with a meter message, which measures the clock
    ASSERT_TRUE(eventually([&] {
        return stack.server_log().find("event=charger_clock_ok code=SKEW-BEHIND") != std::string::npos;
    }));
    alarms = stack.http().get("/api/v1/admin/alarms?active=true", stack.admin_token()).json();
    for (const auto& a : alarms.at("items").as_array()) EXPECT_NE(a.at("charger_code"), "SKEW-BEHIND");
}

}  // namespace
}  // namespace kw::test
