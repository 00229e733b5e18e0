// GET /metrics on a real stack: off without a token (404), 401 to a missing or wrong token, and with
// the right one the counters move with what really happened (a charger over MQTT, an HTTP request);
// the Grafana dashboard in deploy/ only queries metrics this server exposes.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstring>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "metrics_text.hpp"
#include "stack.hpp"
#include "test_charger.hpp"

namespace kw::test {
namespace {

namespace json = boost::json;

const std::string& kToken = kMetricsToken;
// The label of each SQL pool's series (kw_sql_session_seconds).
const std::string kWriter = "pool=\"write\"", kReader = "pool=\"read\"";

TEST(Metrics, RouteIsNotFoundWhileNoTokenIsConfigured) {
    Stack stack;
    auto r = stack.http().get("/metrics", kToken);
    KW_EXPECT_STATUS(r, 404);
    EXPECT_EQ(r.json().at("code"), "not_found");
}

TEST(Metrics, RefusesAMissingOrWrongTokenWith401) {
    Stack stack({.server_flags = {"--server.metrics_token=" + kToken}});
    auto missing = stack.http().get("/metrics");
    KW_EXPECT_STATUS(missing, 401);
    EXPECT_EQ(missing.json().at("code"), "unauthorized");
    auto wrong = stack.http().get("/metrics", kToken + "x");
    KW_EXPECT_STATUS(wrong, 401);
    auto staff = stack.http().get("/metrics", stack.admin_token());  // an API token is not the metrics token
    KW_EXPECT_STATUS(staff, 401);
    auto right = stack.http().get("/metrics", kToken);
    KW_EXPECT_STATUS(right, 200);
    EXPECT_EQ(right.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(right.body.find("# TYPE kw_device_queue_depth gauge\n"), std::string::npos) << right.body;
}

TEST(Metrics, ChargerMessagesChargersOnlineAndHttpStatusesAreCounted) {
    Stack stack({.server_flags = {"--server.metrics_token=" + kToken}});
    const long long tariff = stack.create_tariff(json::parse(
        R"({"prices":{"flat":{"electricity":10000,"service":5000}},"periods":[["00:00","24:00","flat"]]})"));
    const long long station = stack.create_station(tariff);
    auto credentials = stack.create_charger(station, "MET-1");

    const std::string before = scrape(stack);
    ASSERT_FALSE(before.empty());
    EXPECT_EQ(sample_sum(before, "kw_device_messages_total", "kind=\"boot\""), 0) << before;
    EXPECT_EQ(sample_sum(before, "kw_device_messages_total", "kind=\"meter\""), 0) << before;
    EXPECT_EQ(sample_sum(before, "kw_chargers_online"), 0) << before;

    TestCharger charger(stack.broker().port(), credentials.code, credentials.password);
    charger.boot();
    ASSERT_TRUE(stack.wait_online(credentials.code));
    charger.publish_json("meter", {{"connector", 1}, {"energy_wh", 1200}, {"power_w", 7000}});
    std::string text;
    ASSERT_TRUE(eventually([&] {
        text = scrape(stack);
        return sample_sum(text, "kw_device_messages_total", "kind=\"meter\"") >= 1;
    })) << text;
    EXPECT_EQ(sample_sum(text, "kw_device_messages_total", "kind=\"boot\",result=\"applied\""), 1) << text;
    EXPECT_GE(sample_sum(text, "kw_device_messages_total", "kind=\"heartbeat\",result=\"applied\""), 1) << text;
    EXPECT_GE(sample_sum(text, "kw_device_handler_seconds_count", "kind=\"meter\""), 1) << text;
    EXPECT_EQ(sample_sum(text, "kw_chargers_online"), 1) << text;
    EXPECT_GE(sample_sum(text, "kw_sql_session_seconds_count"), 1) << text;
    EXPECT_GE(sample_sum(text, "kw_redis_command_seconds_count"), 1) << text;

    // A 404 of the API, counted by code and timed under "unmatched", never under its raw path.
    KW_EXPECT_STATUS(stack.http().get("/api/v1/no-such-thing-42"), 404);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/stations/" + std::to_string(station), stack.admin_token()), 200);
    text = scrape(stack);
    EXPECT_GE(sample_sum(text, "kw_http_requests_total", "code=\"404\""), 1) << text;
    EXPECT_GE(sample_sum(text, "kw_http_request_seconds_count", "route=\"/api/v1/stations/{id}\""), 1) << text;
    EXPECT_GE(sample_sum(text, "kw_http_request_seconds_count", "route=\"unmatched\""), 1) << text;
    EXPECT_EQ(text.find("no-such-thing-42"), std::string::npos) << text;
}

// A scrape reads SQL (kw_sessions_active) on a read connection: on SQLite, 10 scrapes take the one
// writer, which every charger event waits for, fewer than 10 times (only for whatever else runs
// meanwhile), and a read connection at least 10 times.
TEST(Metrics, AScrapeReadsOnAReadConnectionNotTheSqlWriter) {
    Stack stack({.server_flags = {"--server.metrics_token=" + kToken}});
    const std::string before = scrape(stack);
    std::string after;
    for (int i = 0; i < 10; ++i) after = scrape(stack);
    EXPECT_LT(sample_sum(after, "kw_sql_session_seconds_count", kWriter) -
                  sample_sum(before, "kw_sql_session_seconds_count", kWriter),
              10)
        << after;
    EXPECT_GE(sample_sum(after, "kw_sql_session_seconds_count", kReader) -
                  sample_sum(before, "kw_sql_session_seconds_count", kReader),
              10)
        << after;
}

// The console's reads (the charger list and detail, tariffs, alarms, the dashboard) take a read
// connection too: 14 of them take SQLite's writer fewer than 7 times (only for whatever else runs
// meanwhile; they took it 16 times when they all ran on it).
TEST(Metrics, ConsoleReadsTakeAReadConnectionNotTheSqlWriter) {
    Stack stack({.server_flags = {"--server.metrics_token=" + kToken}});
    const long long tariff = stack.create_tariff(json::parse(
        R"({"prices":{"flat":{"electricity":10000,"service":5000}},"periods":[["00:00","24:00","flat"]]})"));
    const auto charger = stack.create_charger(stack.create_station(tariff), "MET-R");
    const std::string admin = stack.admin_token();
    const std::vector<std::string> reads{"/api/v1/admin/chargers",
                                         "/api/v1/admin/chargers?online=false",
                                         "/api/v1/admin/chargers/" + std::to_string(charger.id),
                                         "/api/v1/admin/tariffs",
                                         "/api/v1/admin/tariffs/" + std::to_string(tariff),
                                         "/api/v1/admin/alarms",
                                         "/api/v1/admin/dashboard"};
    const std::string before = scrape(stack);
    for (int round = 0; round < 2; ++round)
        for (const std::string& path : reads) KW_EXPECT_STATUS(stack.http().get(path, admin), 200) << path;
    const std::string after = scrape(stack);
    const double writes = sample_sum(after, "kw_sql_session_seconds_count", kWriter) -
                          sample_sum(before, "kw_sql_session_seconds_count", kWriter);
    EXPECT_LT(writes, static_cast<double>(reads.size())) << after;
    EXPECT_GE(sample_sum(after, "kw_sql_session_seconds_count", kReader) -
                  sample_sum(before, "kw_sql_session_seconds_count", kReader),
              2.0 * static_cast<double>(reads.size()))
        << after;
}

// Every kw_* name a dashboard expression uses, histogram series reduced to their family name.
std::set<std::string> dashboard_metric_names(const json::value& dashboard) {
    static const std::regex name(R"(\bkw_[a-z0-9_]+)");
    std::set<std::string> out;
    for (const auto& panel : dashboard.at("panels").as_array())
        for (const auto& target : panel.at("targets").as_array()) {
            const std::string expr(target.at("expr").as_string());
            for (std::sregex_iterator it(expr.begin(), expr.end(), name), end; it != end; ++it) {
                std::string n = it->str();
                for (const char* suffix : {"_bucket", "_sum", "_count"})
                    if (n.size() > std::strlen(suffix) && n.ends_with(suffix)) n.resize(n.size() - std::strlen(suffix));
                out.insert(n);
            }
        }
    return out;
}

TEST(Metrics, GrafanaDashboardParsesAndQueriesOnlyMetricsTheServerExposes) {
    std::ifstream in(std::string(KW_SOURCE_DIR) + "/deploy/grafana/kilowatt-dashboard.json");
    ASSERT_TRUE(in) << "deploy/grafana/kilowatt-dashboard.json missing";
    std::stringstream ss;
    ss << in.rdbuf();
    const json::value dashboard = json::parse(ss.str());  // throws (fails the test) on invalid JSON
    const std::set<std::string> used = dashboard_metric_names(dashboard);
    ASSERT_GE(used.size(), 10u);

    Stack stack({.server_flags = {"--server.metrics_token=" + kToken}});
    const std::string text = scrape(stack);
    ASSERT_FALSE(text.empty());
    for (const std::string& n : used) EXPECT_NE(text.find("# TYPE " + n + " "), std::string::npos) << n;
    // Its panels read the datasource variable, so it imports into any Grafana.
    for (const auto& panel : dashboard.at("panels").as_array())
        EXPECT_EQ(panel.at("datasource").at("uid"), "${DS_PROMETHEUS}") << panel.at("title");
}

}  // namespace
}  // namespace kw::test
