// The network slice's SQL on MariaDB: the same routes as on SQLite, end to end.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <thread>
#include <vector>

#include "network_support.hpp"
#include "stack.hpp"

namespace kw::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

TEST(NetworkOnMariaDb, StationsChargersAlarmsAndDashboardWork) {
    Stack stack(StackOptions{.mariadb = true});
    const std::string admin = stack.admin_token();
    long long tariff =
        stack.create_tariff(json::parse(R"({"prices":{"flat":{"electricity":10000,"service":5000}},
                                                           "periods":[["00:00","24:00","flat"]]})"));
    long long near = stack.create_station(tariff, 121.4830, 31.2304, "Near Road");
    long long far = stack.create_station(tariff, 121.6837, 31.2304, "Far Road");
    auto c = stack.create_charger(near, "MDB-1", "DC", 2, 60000);
    stack.create_charger(far, "MDB-2");
    EXPECT_EQ(stack.http()
                  .post("/api/v1/admin/chargers",
                        json::serialize(json::object{
                            {"code", "MDB-1"}, {"station_id", near}, {"kind", "AC"}, {"rated_w", 7000}}),
                        admin)
                  .status,
              409);

    const std::string driver = stack.driver_token("13600000001");
    auto r = stack.http().get("/api/v1/stations?q=near%20road", driver);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json().at("total").as_int64(), 1) << "search ignores case on MariaDB too";
    r = stack.http().get("/api/v1/stations/nearby?lng=121.4737&lat=31.2304&radius_m=30000", driver);
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.json().at("items").as_array().size(), 2u);
    EXPECT_EQ(std::string(r.json().at("items").at(0).at("name").as_string()), "Near Road");
    r = stack.http().get("/api/v1/stations/" + std::to_string(near), driver);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json().at("chargers").at(0).at("connectors").as_array().size(), 2u);

    r = stack.http().get("/api/v1/admin/chargers?q=mdb&station_id=" + std::to_string(near), admin);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json().at("total").as_int64(), 1);
    EXPECT_TRUE(r.json().at("items").at(0).at("last_boot_at").is_null());
    EXPECT_EQ(stack.http()
                  .put("/api/v1/admin/chargers/" + std::to_string(c.id) + "/connectors/2",
                       R"({"max_w":30000})", admin)
                  .status,
              200);

    const long long now = now_ms();
    seed_alarm(stack.db_url(), c.id, 1, "over_temperature", now, std::nullopt);
    seed_alarm(stack.db_url(), c.id, 0, "door_open", now - 1000, now - 500);
    r = stack.http().get("/api/v1/admin/alarms?active=true", admin);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json().at("total").as_int64(), 1);
    EXPECT_TRUE(r.json().at("items").at(0).at("cleared_at").is_null());
    r = stack.http().get("/api/v1/admin/chargers/" + std::to_string(c.id), admin);
    EXPECT_EQ(r.json().at("recent_alarms").as_array().size(), 2u);

    seed_order(stack.db_url(),
               {.station_id = near, .charger_id = c.id, .state = "charging", .created_at = now});
    seed_order(stack.db_url(), {.station_id = near,
                                .charger_id = c.id,
                                .state = "settled",
                                .energy_wh = 1234,
                                .total_fen = 500,
                                .refunded_fen = 20,
                                .created_at = now - 1000,
                                .settled_at = now - 1000});
    r = stack.http().get("/api/v1/admin/dashboard?tz=UTC", admin);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json().at("sessions_active").as_int64(), 1);
    EXPECT_EQ(r.json().at("chargers").at("total").as_int64(), 2);
    long long energy = 0, revenue = 0;
    const json::value dashboard = r.json();
    for (const auto& d : dashboard.at("days").as_array()) {
        energy += d.at("energy_wh").as_int64();
        revenue += d.at("revenue_fen").as_int64();
    }
    EXPECT_EQ(energy, 1234);
    EXPECT_EQ(revenue, 480);
    EXPECT_EQ(stack.http().del("/api/v1/admin/chargers/" + std::to_string(c.id), admin).status, 409);
    EXPECT_EQ(stack.http().del("/api/v1/admin/stations/" + std::to_string(far), admin).status, 409);
    EXPECT_EQ(stack.http().del("/api/v1/admin/tariffs/" + std::to_string(tariff), admin).status, 409);
}

// The database stopped under a running server: requests answer 503 unavailable (retry), never 500;
// once it is back every request succeeds (no pooled connection is left broken).
TEST(NetworkOnMariaDb, RequestsAnswer503WhileTheDatabaseIsDownAndAllSucceedOnceItIsBack) {
    Stack stack(StackOptions{.mariadb = true});
    const std::string admin = stack.admin_token();
    const auto list = [&] { return stack.http().get("/api/v1/admin/chargers", admin); };
    ASSERT_EQ(list().status, 200);

    stack.mariadb().stop();
    for (int i = 0; i < 10; ++i) {
        auto r = list();
        ASSERT_EQ(r.status, 503) << "request " << i << ": " << r.body;
        EXPECT_EQ(std::string(r.json().at("code").as_string()), "unavailable");
    }

    stack.mariadb().start();
    std::vector<int> statuses;
    ASSERT_TRUE(eventually([&] { return statuses.emplace_back(list().status) == 200; }, 30s, 100ms));
    for (int s : statuses) EXPECT_TRUE(s == 503 || s == 200) << "while the database came back: " << s;
    for (int i = 0; i < 20; ++i) EXPECT_EQ(list().status, 200) << "request " << i << " after the restart";
}

// A database restart that no request saw (the server idle meanwhile): every pooled connection died
// with it, and each is checked before its next use, so no request fails afterwards.
TEST(NetworkOnMariaDb, NoRequestFailsAfterADatabaseRestartWhileTheServerWasIdle) {
    Stack stack(StackOptions{.mariadb = true});
    const std::string admin = stack.admin_token();
    // Many requests at once, each client on its own keep-alive connection, so that every pooled
    // database connection is in use (sequential requests would keep reusing the first one).
    const auto burst = [&](const char* when) {
        std::vector<std::thread> clients;
        for (int i = 0; i < 8; ++i)
            clients.emplace_back([&] {
                HttpClient client("127.0.0.1", stack.http_port());
                for (int j = 0; j < 10; ++j)
                    EXPECT_EQ(client.get("/api/v1/admin/chargers", admin).status, 200) << when << ", request " << j;
            });
        for (auto& t : clients) t.join();
    };
    burst("before the restart");

    stack.mariadb().stop();
    stack.mariadb().start();
    burst("after the restart");
}

}  // namespace
}  // namespace kw::test
