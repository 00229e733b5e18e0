// Two server instances behind one broker, on one Redis and one MariaDB: the shared subscription
// splits the chargers' messages between them, and every session is still applied and billed once.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "charging_helpers.hpp"

namespace kw::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

TEST(ScaleOut, TwoInstancesShareTheWorkAndBillEverySessionOnce) {
    Stack stack(StackOptions{true, {"--server.cluster=true"}});
    const int second_port = free_port();
    auto second = stack.start_extra_server(second_port, "second");
    HttpClient second_http("127.0.0.1", second_port);

    const long long station = stack.create_station(stack.create_tariff(flat_tariff(8000, 4000)));
    std::vector<ChargerCredentials> chargers;
    for (int i = 1; i <= 4; ++i) chargers.push_back(stack.create_charger(station, "SCALE-" + std::to_string(i)));
    auto sim = stack.start_sim(chargers, {"--meter-interval", "1", "--speed", "30"});
    for (const auto& c : chargers) ASSERT_TRUE(stack.wait_online(c.code)) << c.code;

    // A staff member watches every charger through the second instance only.
    WsClient watcher("127.0.0.1", second_port, stack.ws_target(stack.admin_token()));
    for (const auto& c : chargers) watcher.send(R"({"op":"subscribe","channel":"charger:)" + c.code + R"("})");

    // Four drivers start through alternating instances.
    std::vector<std::pair<std::string, long long>> orders;
    std::vector<long long> registers;
    for (int i = 0; i < 4; ++i) {
        const std::string driver = stack.driver_token("1360000000" + std::to_string(i));
        stack.topup(driver, 20000);
        registers.push_back(sim_register(*sim, chargers[i].code));
        HttpClient& via = i % 2 ? second_http : stack.http();
        auto r = via.post("/api/v1/orders", order_body(chargers[i].code), driver);
        ASSERT_EQ(r.status, 201) << r.body;
        orders.emplace_back(driver, r.json().at("id").as_int64());
    }
    for (auto& [driver, id] : orders)
        stack.wait_order(driver, id, [](const json::object& o) {
            return o.at("state") == "charging" && o.contains("live") && o.at("live").at("energy_wh").as_int64() > 50;
        });
    for (int i = 0; i < 4; ++i) {
        HttpClient& via = i % 2 ? stack.http() : second_http;  // stop through the other instance
        auto r = via.post("/api/v1/orders/" + std::to_string(orders[i].second) + "/stop", "{}", orders[i].first);
        ASSERT_EQ(r.status, 200) << r.body;
    }
    long long handled_by_second = 0;
    for (int i = 0; i < 4; ++i) {
        auto o = stack.wait_order(orders[i].first, orders[i].second,
                                  [](const json::object& o) { return o.at("state") == "settled"; });
        ASSERT_EQ(o.at("state"), "settled") << json::serialize(o);
        const long long energy = sim_register(*sim, chargers[i].code) - registers[i];
        EXPECT_EQ(o.at("energy_wh").as_int64(), energy) << chargers[i].code;
        EXPECT_EQ(o.at("total_fen").as_int64(), fee_fen(energy, 8000) + fee_fen(energy, 4000));
        EXPECT_EQ(stack.balance(orders[i].first), 20000 - o.at("total_fen").as_int64());
    }
    // Both instances did device work.
    const std::string second_log = read_file(second->log_path());
    for (std::size_t pos = second_log.find("event=tx_"); pos != std::string::npos; pos = second_log.find("event=tx_", pos + 1))
        ++handled_by_second;
    const std::string first_log = stack.server_log();
    EXPECT_GT(handled_by_second, 0) << "the second instance handled no tx event";
    EXPECT_NE(first_log.find("event=tx_"), std::string::npos) << "the first instance handled no tx event";
    // Pushes reached the watcher for every charger, whichever instance handled its messages.
    std::set<std::string> seen;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (seen.size() < 4 && std::chrono::steady_clock::now() < deadline) {
        auto text = watcher.receive(500ms);
        if (!text) continue;
        auto m = json::parse(*text);
        if (m.as_object().contains("event") && m.at("event") == "meter") seen.insert(str(m.at("data").at("charger_code")));
    }
    EXPECT_EQ(seen.size(), 4u);
    second->terminate(10s);
}

// Each instance caches the stations' parsed tariffs; an admin's edit on one instance reaches the
// other's cache through Redis, so the other's next session is priced with the new tariff.
TEST(ScaleOut, ATariffEditOnOneInstanceReachesTheOthersNextEstimate) {
    Stack stack(StackOptions{true, {"--server.cluster=true"}});
    const int second_port = free_port();
    auto second = stack.start_extra_server(second_port, "second");
    HttpClient second_http("127.0.0.1", second_port);

    const long long tariff = stack.create_tariff(flat_tariff(8000, 4000));
    const long long station = stack.create_station(tariff);
    const std::vector<ChargerCredentials> chargers = {stack.create_charger(station, "TCACHE-1"),
                                                      stack.create_charger(station, "TCACHE-2")};
    auto sim = stack.start_sim(chargers, {"--meter-interval", "1", "--speed", "30"});
    for (const auto& c : chargers) ASSERT_TRUE(stack.wait_online(c.code)) << c.code;
    const std::string driver = stack.driver_token("13600000099");
    stack.topup(driver, 20000);
    auto charging_with_energy = [](const json::object& o) {
        return o.at("state") == "charging" && o.contains("live") && o.at("live").at("energy_wh").as_int64() > 50;
    };
    auto run_session = [&](const std::string& code, long long electricity, long long service) {
        // Started through the second instance: its cache supplies the station's tariff.
        auto r = second_http.post("/api/v1/orders", order_body(code), driver);
        EXPECT_EQ(r.status, 201) << r.body;
        if (r.status != 201) return;
        const long long id = r.json().at("id").as_int64();
        EXPECT_EQ(r.json().at("tariff").at("prices").at("flat").at("electricity").as_int64(), electricity);
        auto o = stack.wait_order(driver, id, charging_with_energy);
        ASSERT_TRUE(charging_with_energy(o)) << json::serialize(o);
        const long long e = o.at("live").at("energy_wh").as_int64();
        EXPECT_EQ(o.at("live").at("cost_fen").as_int64(), fee_fen(e, electricity) + fee_fen(e, service))
            << json::serialize(o);
        EXPECT_EQ(second_http.post("/api/v1/orders/" + std::to_string(id) + "/stop", "{}", driver).status, 200);
        o = stack.wait_order(driver, id, [](const json::object& x) { return x.at("state") == "settled"; });
        EXPECT_EQ(o.at("total_fen").as_int64(),
                  fee_fen(o.at("energy_wh").as_int64(), electricity) + fee_fen(o.at("energy_wh").as_int64(), service));
    };
    run_session(chargers[0].code, 8000, 4000);

    // The admin doubles the prices through the first instance.
    auto edit = stack.http().put("/api/v1/admin/tariffs/" + std::to_string(tariff),
                                 R"({"prices":{"flat":{"electricity":16000,"service":8000}}})", stack.admin_token());
    ASSERT_EQ(edit.status, 200) << edit.body;
    // The invalidation was published before the edit answered; its delivery to the other instance's
    // subscriber is asynchronous (a few ms).
    std::this_thread::sleep_for(300ms);
    run_session(chargers[1].code, 16000, 8000);
    second->terminate(10s);
}

}  // namespace
}  // namespace kw::test
