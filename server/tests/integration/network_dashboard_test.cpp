// The staff dashboard counts what exists: chargers, connectors by live status, active sessions, and
// settled orders per local day.
#include <date/tz.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "network_support.hpp"
#include "stack.hpp"

namespace kw::test {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

// Local midnight of today in zone, as ms UTC, and today's date "YYYY-MM-DD".
std::pair<long long, std::string> local_today(const std::string& zone_name, long long now) {
    const date::time_zone* zone = date::locate_zone(zone_name);
    auto local = zone->to_local(date::sys_time<milliseconds>{milliseconds{now}});
    auto day = date::floor<date::days>(local);
    long long midnight =
        zone->to_sys(date::local_time<milliseconds>{day}, date::choose::earliest).time_since_epoch().count();
    return {midnight, date::format("%F", day)};
}

TEST(DashboardApi, CountsMatchTheNetworkAndTheSettledOrders) {
    Stack stack;
    long long tariff =
        stack.create_tariff(json::parse(R"({"prices":{"flat":{"electricity":10000,"service":5000}},
                                                           "periods":[["00:00","24:00","flat"]]})"));
    long long s1 = stack.create_station(tariff, 121.47, 31.23, "One");
    long long s2 = stack.create_station(tariff, 121.48, 31.23, "Two");
    auto a = stack.create_charger(s1, "DB-A", "AC", 1);
    auto b = stack.create_charger(s1, "DB-B", "DC", 2, 60000);
    stack.create_charger(s2, "DB-C", "AC", 1);
    auto dashboard = [&] {
        auto r = stack.http().get("/api/v1/admin/dashboard", stack.admin_token());
        return r.status == 200 ? r.json() : json::value();
    };
    ASSERT_TRUE(bring_online(stack.broker().port(), b.code, b.password, 2));
    // Status messages are applied by workers in any order: let both "available" land first.
    ASSERT_TRUE(eventually([&] {
        auto d = dashboard();
        return d.is_object() && d.at("connectors").at("available").as_int64() == 2;
    }));
    {
        SyncClient c(stack.broker().port(), b.code, b.code, b.password);
        ASSERT_EQ(c.connack(), std::optional<int>(0));
        c.publish_qos1("kw/v1/DB-B/status",
                       R"({"connector":2,"status":"charging","error":"","ts":"2026-06-01T01:00:05Z"})");
    }

    const long long now = now_ms();
    const auto [midnight, today] = local_today("Asia/Shanghai", now);
    const long long in_today = midnight + (now - midnight) / 2;
    const std::string url = stack.db_url();
    for (const char* state : {"starting", "charging", "stopping"})
        seed_order(url, {.station_id = s1, .charger_id = b.id, .state = state, .created_at = now});
    seed_order(url, {.station_id = s1,
                     .charger_id = a.id,
                     .state = "settled",
                     .energy_wh = 1000,
                     .total_fen = 300,
                     .created_at = in_today,
                     .settled_at = in_today});
    seed_order(url, {.station_id = s1,
                     .charger_id = a.id,
                     .state = "settled",
                     .energy_wh = 2500,
                     .total_fen = 700,
                     .refunded_fen = 100,
                     .created_at = in_today,
                     .settled_at = in_today});
    seed_order(url, {.station_id = s1,
                     .charger_id = a.id,
                     .state = "cancelled",
                     .energy_wh = 9999,
                     .total_fen = 9999,
                     .created_at = in_today,
                     .settled_at = in_today});
    const long long three_days_ago = midnight - 3 * 86'400'000LL + 3'600'000;
    seed_order(url, {.station_id = s2,
                     .charger_id = a.id,
                     .state = "settled",
                     .energy_wh = 400,
                     .total_fen = 50,
                     .created_at = three_days_ago,
                     .settled_at = three_days_ago});
    const long long long_ago = midnight - 40 * 86'400'000LL;
    seed_order(url, {.station_id = s2,
                     .charger_id = a.id,
                     .state = "settled",
                     .energy_wh = 777,
                     .total_fen = 77,
                     .created_at = long_ago,
                     .settled_at = long_ago});

    json::value d;
    ASSERT_TRUE(eventually([&] {
        d = dashboard();
        return d.is_object() && d.at("connectors").at("charging").as_int64() == 1;
    })) << json::serialize(d);
    EXPECT_EQ(d.at("chargers").at("total").as_int64(), 3);
    EXPECT_EQ(d.at("chargers").at("online").as_int64(), 1);
    EXPECT_EQ(d.at("connectors").at("total").as_int64(), 4);
    EXPECT_EQ(d.at("connectors").at("available").as_int64(), 1);
    EXPECT_EQ(d.at("connectors").at("charging").as_int64(), 1);
    EXPECT_EQ(d.at("connectors").at("faulted").as_int64(), 0);
    EXPECT_EQ(d.at("connectors").at("offline").as_int64(), 2);
    EXPECT_EQ(d.at("sessions_active").as_int64(), 3);
    EXPECT_EQ(d.at("today").at("orders").as_int64(), 2);
    EXPECT_EQ(d.at("today").at("energy_wh").as_int64(), 3500);
    EXPECT_EQ(d.at("today").at("revenue_fen").as_int64(), 900);
    const auto& days = d.at("days").as_array();
    ASSERT_EQ(days.size(), 30u);
    EXPECT_EQ(std::string(days[29].at("date").as_string()), today);
    EXPECT_EQ(days[29].at("revenue_fen").as_int64(), 900);
    EXPECT_EQ(days[26].at("orders").as_int64(), 1);
    EXPECT_EQ(days[26].at("energy_wh").as_int64(), 400);
    long long sum = 0;
    for (const auto& day : days) sum += day.at("orders").as_int64();
    EXPECT_EQ(sum, 3) << "the 40-day-old and the cancelled order are not counted";

    auto utc = stack.http().get("/api/v1/admin/dashboard?tz=UTC", stack.admin_token());
    KW_EXPECT_STATUS(utc, 200);
    EXPECT_EQ(std::string(utc.json().at("days").at(29).at("date").as_string()),
              local_today("UTC", now_ms()).second);
    EXPECT_EQ(stack.http().get("/api/v1/admin/dashboard?tz=Nowhere%2FLand", stack.admin_token()).status, 400);
}

}  // namespace
}  // namespace kw::test
