// `kilowatt backup` and a restore: a copy taken while a session runs and the server writes, put back
// on a fresh installation (the server restarted on the copy, Redis empty), still settles the session
// exactly when the charger reports its end. Real server, broker, Redis, SQLite and simulator.
#include <gtest/gtest.h>

#include <filesystem>

#include "charging_helpers.hpp"
#include "process.hpp"

namespace kw::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr long long kElectricity = 10000, kService = 5000, kTopup = 50000;

bool charging_past(const json::object& o, long long wh) {
    return o.at("state") == "charging" && o.contains("live") && o.at("live").at("energy_wh").as_int64() > wh;
}

// `kilowatt backup ARGS...` with its log in dir/backup.log; its exit code.
int run_backup(const std::string& dir, const std::vector<std::string>& args) {
    std::vector<std::string> argv{"backup"};
    argv.insert(argv.end(), args.begin(), args.end());
    Process backup(KW_SERVER_BIN, argv, dir + "/backup.log");
    return backup.wait(60s).value_or(-1);
}

TEST(BackupRestore, BackupTakenMidSessionRestoresAndTheSessionSettlesExactlyWhenTheChargerEndsIt) {
    Stack stack;
    const long long station = stack.create_station(stack.create_tariff(flat_tariff(kElectricity, kService)));
    const auto charger = stack.create_charger(station, "BAK-1");
    const std::string phone = "13900007001";
    std::string driver = stack.driver_token(phone);
    stack.topup(driver, kTopup);
    // Heartbeats every 2 s: after Redis comes back empty, the next one marks the charger online.
    auto sim = stack.start_sim({charger}, {"--meter-interval", "1", "--speed", "30", "--heartbeat-s", "2"});
    ASSERT_TRUE(stack.wait_online(charger.code));
    const long long before = sim_register(*sim, charger.code);
    auto started = stack.http().post("/api/v1/orders", order_body(charger.code), driver);
    ASSERT_EQ(started.status, 201) << started.body;
    const long long id = started.json().at("id").as_int64();
    stack.wait_order(driver, id, [](const json::object& o) { return charging_past(o, 100); });

    // The backup, while the server writes the session's samples.
    const std::string copy = stack.dir() + "/restored.db";
    ASSERT_EQ(run_backup(stack.dir(), {"--to", copy, "--database.url=" + stack.db_url()}), 0)
        << file_tail(stack.dir() + "/backup.log");
    ASSERT_TRUE(std::filesystem::exists(copy));
    EXPECT_FALSE(std::filesystem::exists(copy + ".partial"));
    // The session goes on after the copy: what the server stores from now on is not in it.
    const long long at_backup = stack.wait_order(driver, id, [](const json::object&) { return true; })
                                    .at("live").at("energy_wh").as_int64();
    stack.wait_order(driver, id, [&](const json::object& o) { return charging_past(o, at_backup + 300); });

    // The installation is lost: the server dies, Redis comes back empty, the database is the copy.
    stack.kill_server();
    stack.redis().restart();
    stack.options().server_flags.push_back("--database.url=sqlite:" + copy);
    stack.start_server();
    stack.forget_logins();  // the login sessions were in the lost Redis
    driver = stack.driver_token(phone);
    ASSERT_TRUE(stack.wait_online(charger.code, true, 30s));

    auto stop = stack.http().post("/api/v1/orders/" + std::to_string(id) + "/stop", "{}", driver);
    ASSERT_EQ(stop.status, 200) << stop.body;
    auto settled = stack.wait_order(driver, id, [](const json::object& o) { return o.at("state") == "settled"; });
    ASSERT_EQ(settled.at("state"), "settled") << json::serialize(settled);
    const long long energy = sim_register(*sim, charger.code) - before;
    EXPECT_GT(energy, at_backup);  // the bill covers what was charged after the copy too
    EXPECT_EQ(settled.at("energy_wh").as_int64(), energy);
    EXPECT_EQ(settled.at("total_fen").as_int64(), fee_fen(energy, kElectricity) + fee_fen(energy, kService));
    EXPECT_EQ(stack.balance(driver), kTopup - settled.at("total_fen").as_int64());
}

TEST(BackupRestore, BackupRefusesAMariaDbUrlAndPointsToMariadbDump) {
    TempDir dir("kw-backup");
    const std::string copy = dir.file("never.db");
    EXPECT_EQ(run_backup(dir.path(), {"--to", copy, "--database.url=mysql://u:p@127.0.0.1:3306/kw"}), 1);
    const std::string log = file_tail(dir.file("backup.log"));
    EXPECT_NE(log.find("mariadb-dump --single-transaction"), std::string::npos) << log;
    EXPECT_FALSE(std::filesystem::exists(copy));
}

}  // namespace
}  // namespace kw::test
