// Issue 7, demo.seed: restarting with --demo (what `make run` does every time) touches only the
// demo's own rows and reuses the simulator's passwords; a database the demo did not seed, or a
// MySQL/MariaDB one, is refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "charging_helpers.hpp"
#include "network_support.hpp"

namespace kw::test {
namespace {

using namespace std::chrono_literals;

std::map<std::string, std::string> read_demo_csv(const std::string& path) {
    std::map<std::string, std::string> out;
    std::stringstream in(read_file(path));
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        auto comma = line.find(',');
        out[line.substr(0, comma)] = line.substr(comma + 1, line.find(',', comma + 1) - comma - 1);
    }
    return out;
}

int count(const std::string& text, const std::string& needle) {
    int n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
    return n;
}

std::optional<int> connack(Stack& stack, const std::string& code, const std::string& password) {
    return SyncClient(stack.broker().port(), code, code, password).connack();
}

TEST(DemoSeed, RestartWithDemoKeepsAnOperatorsChargerAndTheDemoChargersCredentials) {
    TempDir dir("kw-demo");
    const std::string csv = dir.file("demo-chargers.csv");
    Stack stack(StackOptions{.server_flags = {"--demo.seed=true", "--demo.chargers_csv=" + csv}});
    ASSERT_TRUE(eventually([&] { return count(stack.server_log(), "event=demo_seeded") == 1; }, 60s))
        << stack.server_log();
    const auto demo = read_demo_csv(csv);
    ASSERT_EQ(demo.size(), 9u) << read_file(csv);

    // The operator's own charger, created through the admin API after the demo.
    const long long station = stack.create_station(stack.create_tariff(flat_tariff(10000, 5000)));
    const auto own = stack.create_charger(station, "OPS-1");
    ASSERT_EQ(connack(stack, own.code, own.password), std::optional<int>(0));

    // make run again: nothing is re-issued, the simulator's file is reused as it is.
    stack.stop_server();
    stack.start_server();
    ASSERT_TRUE(eventually([&] { return count(stack.server_log(), "event=demo_credentials_reissued chargers=0 kept=9") == 1; }, 60s))
        << stack.server_log();
    EXPECT_EQ(count(stack.server_log(), "event=demo_seeded"), 1);
    EXPECT_EQ(connack(stack, own.code, own.password), std::optional<int>(0));
    for (const auto& [code, password] : demo) EXPECT_EQ(connack(stack, code, password), std::optional<int>(0)) << code;
    EXPECT_EQ(read_demo_csv(csv), demo);

    // The file is lost: only the demo chargers get new passwords, the operator's keeps its own.
    std::filesystem::remove(csv);
    stack.stop_server();
    stack.start_server();
    ASSERT_TRUE(eventually([&] { return count(stack.server_log(), "event=demo_credentials_reissued chargers=9 kept=0") == 1; }, 60s))
        << stack.server_log();
    const auto reissued = read_demo_csv(csv);
    ASSERT_EQ(reissued.size(), 9u);
    EXPECT_EQ(connack(stack, "SH-AC-01", reissued.at("SH-AC-01")), std::optional<int>(0));
    EXPECT_EQ(connack(stack, "SH-AC-01", demo.at("SH-AC-01")), std::optional<int>(135));
    EXPECT_EQ(connack(stack, own.code, own.password), std::optional<int>(0));
    auto list = stack.http().get("/api/v1/admin/chargers?page_size=100", stack.admin_token()).json();
    EXPECT_EQ(list.at("total").as_int64(), 10);
}

// A `make run` database from before demo_rows existed: its demo rows are recognised (demo tariff,
// its stations, the demo codes there) and nothing else is touched.
TEST(DemoSeed, DatabaseSeededBeforeDemoRowsExistedIsAdoptedAndOnlyItsDemoChargersConsidered) {
    TempDir dir("kw-demo");
    const std::string csv = dir.file("demo-chargers.csv");
    Stack stack(StackOptions{.server_flags = {"--demo.seed=true", "--demo.chargers_csv=" + csv}});
    ASSERT_TRUE(eventually([&] { return count(stack.server_log(), "event=demo_seeded") == 1; }, 60s))
        << stack.server_log();
    const auto demo = read_demo_csv(csv);
    const long long station = stack.create_station(stack.create_tariff(flat_tariff(10000, 5000)));
    const auto own = stack.create_charger(station, "OPS-3");
    stack.stop_server();
    {
        store::Db db(store::DbConfig{stack.db_url(), 1});
        auto s = db.session();
        *s << "DELETE FROM demo_rows";
    }
    std::filesystem::remove(csv);
    stack.start_server();
    ASSERT_TRUE(eventually([&] { return count(stack.server_log(), "event=demo_credentials_reissued chargers=9 kept=0") == 1; }, 60s))
        << stack.server_log();
    EXPECT_EQ(count(stack.server_log(), "event=demo_rows_adopted chargers=9"), 1);
    EXPECT_EQ(connack(stack, own.code, own.password), std::optional<int>(0));
    EXPECT_EQ(read_demo_csv(csv).count(own.code), 0u);
}

TEST(DemoSeed, DatabaseTheDemoDidNotSeedIsRefusedAndLeftAlone) {
    TempDir dir("kw-demo");
    const std::string csv = dir.file("demo-chargers.csv");
    Stack stack;
    const long long station = stack.create_station(stack.create_tariff(flat_tariff(10000, 5000)));
    const auto own = stack.create_charger(station, "OPS-2");
    stack.options().server_flags = {"--demo.seed=true", "--demo.chargers_csv=" + csv};
    stack.stop_server();
    stack.start_server();
    ASSERT_TRUE(eventually([&] { return count(stack.server_log(), "event=demo_seed_failed") == 1; }, 30s))
        << stack.server_log();
    EXPECT_NE(stack.server_log().find("seeds only an empty database"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(csv));
    EXPECT_EQ(connack(stack, own.code, own.password), std::optional<int>(0));
    EXPECT_EQ(stack.http().get("/api/v1/admin/chargers", stack.admin_token()).json().at("total").as_int64(), 1);
}

TEST(DemoSeed, MariaDbIsRefusedUnlessExplicitlyAllowed) {
    Stack stack(StackOptions{.mariadb = true, .server_flags = {"--demo.seed=true"}});
    ASSERT_TRUE(eventually([&] { return count(stack.server_log(), "event=demo_seed_failed") == 1; }, 30s))
        << stack.server_log();
    EXPECT_NE(stack.server_log().find("demo.allow_mysql"), std::string::npos);
    EXPECT_EQ(stack.http().get("/api/v1/admin/chargers", stack.admin_token()).json().at("total").as_int64(), 0);
}

}  // namespace
}  // namespace kw::test
