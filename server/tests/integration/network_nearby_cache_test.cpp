// The nearby search answered from the station directory (service/station_directory.hpp), through
// the HTTP API: a write on this instance (station, charger, connector, tariff, import) shows at once
// even with a TTL far longer than the test, and a connector's live availability, which no write
// announces, reaches the answer once the (short) TTL has passed.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "network_support.hpp"
#include "stack.hpp"

namespace kw::test {
namespace {

namespace json = boost::json;

constexpr const char* kAt = "lng=121.4737&lat=31.2304";

class NearbyCache : public ::testing::Test {
protected:
    explicit NearbyCache(const std::string& ttl_ms = "60000")
        : stack_(StackOptions{false, {"--server.directory_ttl_ms=" + ttl_ms}}) {
        tariff_ = stack_.create_tariff(json::parse(R"({"prices":{"flat":{"electricity":10000,"service":5000}},
                                                      "periods":[["00:00","24:00","flat"]]})"));
    }
    json::array nearby() {
        if (driver_.empty()) driver_ = stack_.driver_token("13900000002");
        auto r = stack_.http().get(std::string("/api/v1/stations/nearby?") + kAt, driver_);
        EXPECT_EQ(r.status, 200) << r.body;
        return r.status == 200 ? r.json().at("items").as_array() : json::array();
    }
    const json::value* item(const json::array& items, long long id) {
        for (const auto& i : items)
            if (i.at("id").as_int64() == id) return &i;
        return nullptr;
    }
    std::int64_t connectors_total(long long station) {
        auto items = nearby();
        const json::value* i = item(items, station);
        return i ? i->at("connectors").at("total").as_int64() : -1;
    }
    void expect_ok(const HttpResult& r, int status) { EXPECT_EQ(r.status, status) << r.body; }

    Stack stack_;
    long long tariff_ = 0;
    std::string driver_;
};

TEST_F(NearbyCache, StationWritesOnThisInstanceShowInNearbyAtOnce) {
    const long long a = stack_.create_station(tariff_, 121.4800, 31.2304, "First");
    ASSERT_NE(item(nearby(), a), nullptr);  // the directory holds the index and the entry now

    const long long b = stack_.create_station(tariff_, 121.4750, 31.2304, "Second");
    auto items = nearby();
    ASSERT_EQ(items.size(), 2u) << "a created station is in the next answer";
    EXPECT_EQ(items[0].at("id").as_int64(), b) << "and ranked by distance";

    const std::string path = "/api/v1/admin/stations/" + std::to_string(a);
    expect_ok(stack_.http().put(path, R"({"name":"Renamed","lng":121.4740})", stack_.admin_token()), 200);
    items = nearby();
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0].at("id").as_int64(), a) << "moved closer";
    EXPECT_EQ(items[0].at("name").as_string(), "Renamed");

    expect_ok(stack_.http().del(path, stack_.admin_token()), 204);
    items = nearby();
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].at("id").as_int64(), b);
}

TEST_F(NearbyCache, ChargerConnectorAndTariffWritesShowInNearbyAtOnce) {
    const long long st = stack_.create_station(tariff_, 121.4800, 31.2304, "Station");
    EXPECT_EQ(connectors_total(st), 0);

    auto charger = stack_.create_charger(st, "NC-1", "AC", 2);
    EXPECT_EQ(connectors_total(st), 2) << "a new charger's connectors count at once";

    const std::string connectors = "/api/v1/admin/chargers/" + std::to_string(charger.id) + "/connectors";
    expect_ok(stack_.http().post(connectors, "{}", stack_.admin_token()), 201);
    EXPECT_EQ(connectors_total(st), 3);
    expect_ok(stack_.http().del(connectors + "/3", stack_.admin_token()), 204);
    EXPECT_EQ(connectors_total(st), 2);

    const long long other = stack_.create_station(tariff_, 121.4900, 31.2304, "Other");
    expect_ok(stack_.http().put("/api/v1/admin/chargers/" + std::to_string(charger.id),
                                "{\"station_id\":" + std::to_string(other) + "}", stack_.admin_token()),
              200);
    EXPECT_EQ(connectors_total(st), 0) << "the charger moved to another station";
    EXPECT_EQ(connectors_total(other), 2);

    const std::string csv = "code,name,station_id,kind,connectors,rated_w\nNC-IMP,,"
                            + std::to_string(st) + ",AC,1,7000\n";
    expect_ok(stack_.http().request("POST", "/api/v1/admin/chargers/import", csv, stack_.admin_token(),
                                    "text/csv"),
              200);
    EXPECT_EQ(connectors_total(st), 1) << "imported chargers count at once";

    expect_ok(stack_.http().del("/api/v1/admin/chargers/" + std::to_string(charger.id), stack_.admin_token()), 204);
    EXPECT_EQ(connectors_total(other), 0);

    expect_ok(stack_.http().put("/api/v1/admin/tariffs/" + std::to_string(tariff_),
                                R"({"prices":{"flat":{"electricity":20000,"service":5000}}})", stack_.admin_token()),
              200);
    auto items = nearby();
    const json::value* i = item(items, st);
    ASSERT_NE(i, nullptr);
    EXPECT_EQ(i->at("price_now").at("electricity").as_int64(), 20000) << "a tariff edit shows at once";
}

// The answer is assembled from each station's kept JSON: it must be the very bytes the stations list
// writes for each station's summary (the same writer and shape), each with its distance appended.
TEST_F(NearbyCache, AnswerIsEachSummarysBytesWithItsDistance) {
    const long long st = stack_.create_station(tariff_, 121.4800, 31.2304, "Bytes \"quoted\" 站");
    stack_.create_charger(st, "NC-BYTES", "DC", 2, 60000);
    stack_.create_station(tariff_, 121.4900, 31.2404, "Second");
    nearby();  // the kept JSON is made on the first answer and reused by the next
    auto r = stack_.http().get(std::string("/api/v1/stations/nearby?") + kAt, driver_);
    ASSERT_EQ(r.status, 200) << r.body;
    auto list = stack_.http().get("/api/v1/stations", driver_);
    ASSERT_EQ(list.status, 200) << list.body;
    std::string want = "{\"items\":[";
    const json::value answer = r.json();
    for (const auto& item : answer.at("items").as_array()) {
        // A summary's last member is its connector counts, which end with "offline":N}}.
        const std::string head = "{\"id\":" + std::to_string(item.at("id").as_int64()) + ",";
        const auto from = list.body.find(head);
        ASSERT_NE(from, std::string::npos) << list.body;
        const auto to = list.body.find("}}", list.body.find("\"offline\":", from)) + 2;
        if (want.size() > 10) want += ',';
        want += list.body.substr(from, to - 1 - from) + ",\"distance_m\":" +
                std::to_string(item.at("distance_m").as_int64()) + "}";
    }
    want += "]}";
    EXPECT_EQ(answer.at("items").as_array().size(), 2u);
    EXPECT_EQ(r.body, want);
}

class NearbyCacheShortTtl : public NearbyCache {
protected:
    NearbyCacheShortTtl() : NearbyCache("200") {}
};

TEST_F(NearbyCacheShortTtl, ConnectorAvailabilityReachesNearbyWithinTheTtl) {
    const long long st = stack_.create_station(tariff_, 121.4800, 31.2304, "Live");
    auto charger = stack_.create_charger(st, "NC-LIVE", "AC", 2);
    auto items = nearby();
    ASSERT_NE(item(items, st), nullptr);
    EXPECT_EQ(item(items, st)->at("connectors").at("offline").as_int64(), 2);

    // No write announces this: the charger's own messages change Redis only.
    ASSERT_TRUE(bring_online(stack_.broker().port(), charger.code, charger.password, 2));
    EXPECT_TRUE(eventually([&] {
        auto now = nearby();
        const json::value* i = item(now, st);
        return i && i->at("connectors").at("available").as_int64() == 2;
    })) << stack_.server_log();
}

}  // namespace
}  // namespace kw::test
