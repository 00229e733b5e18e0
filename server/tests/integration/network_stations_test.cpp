// Stations through the HTTP API: admin CRUD with validation, GCJ-02 output, the drivers' list,
// nearby search (ordering, radius, filters) and detail with live connector status.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <ctime>

#include "domain/geo.hpp"
#include "network_support.hpp"
#include "stack.hpp"

namespace kw::test {
namespace {

namespace json = boost::json;

std::string str(const json::value& v) { return std::string(v.as_string()); }

json::object flat_tariff() {
    return json::parse(R"({"name":"flat","prices":{"flat":{"electricity":10000,"service":5000}},
                           "periods":[["00:00","24:00","flat"]]})")
        .as_object();
}

class StationApi : public ::testing::Test {
  protected:
    StationApi() { tariff_ = stack_.create_tariff(flat_tariff()); }

    json::object station_body(const std::string& name, double lng, double lat) {
        return {{"name", name},        {"address", "1 Test Road"},    {"lng", lng},
                {"lat", lat},          {"timezone", "Asia/Shanghai"}, {"opening_hours", "00:00-24:00"},
                {"tariff_id", tariff_}};
    }
    HttpResult create(const json::object& body) {
        return stack_.http().post("/api/v1/admin/stations", json::serialize(body), stack_.admin_token());
    }
    long long create_ok(const json::object& body) {
        auto r = create(body);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json().at("id").as_int64();
    }
    json::array nearby(const std::string& query, const std::string& token = {}) {
        auto r = stack_.http().get("/api/v1/stations/nearby?" + query, token.empty() ? driver() : token);
        EXPECT_EQ(r.status, 200) << r.body;
        return r.status == 200 ? r.json().at("items").as_array() : json::array();
    }
    std::string driver() {
        if (driver_.empty()) driver_ = stack_.driver_token("13900000001");
        return driver_;
    }
    static std::vector<std::string> names(const json::array& items) {
        std::vector<std::string> out;
        for (const auto& i : items) out.push_back(str(i.at("name")));
        return out;
    }

    Stack stack_;
    long long tariff_ = 0;
    std::string driver_;
};

// Boost.JSON alone writes 1.214737E2; the API writes the shortest round-trip decimal.
TEST_F(StationApi, CoordinatesAreWrittenAsShortestPlainDecimalsInTheRawResponse) {
    long long id = create_ok(station_body("Raw Bytes Plaza", 121.4737, 31.2304));
    auto g = stack_.http().get("/api/v1/stations/" + std::to_string(id), driver());
    KW_EXPECT_STATUS(g, 200);
    EXPECT_NE(g.body.find(R"("wgs84":{"lng":121.4737,"lat":31.2304})"), std::string::npos) << g.body;
    EXPECT_EQ(g.body.find("E2"), std::string::npos) << g.body;
    EXPECT_EQ(g.body.find("E1"), std::string::npos) << g.body;
}

TEST_F(StationApi, StationIsServedInWgs84AndGcj02WithPriceAndOpeningState) {
    auto r = create(station_body("People's Square", 121.4737, 31.2304));
    KW_EXPECT_STATUS(r, 201);
    long long id = r.json().at("id").as_int64();

    auto g = stack_.http().get("/api/v1/stations/" + std::to_string(id), driver());
    KW_EXPECT_STATUS(g, 200);
    auto s = g.json().as_object();
    EXPECT_EQ(str(s.at("name")), "People's Square");
    EXPECT_DOUBLE_EQ(s.at("location").at("wgs84").at("lng").as_double(), 121.4737);
    EXPECT_DOUBLE_EQ(s.at("location").at("wgs84").at("lat").as_double(), 31.2304);
    domain::LngLat gcj = domain::wgs84_to_gcj02({121.4737, 31.2304});
    EXPECT_NEAR(s.at("location").at("gcj02").at("lng").as_double(), gcj.lng, 1e-9);
    EXPECT_NEAR(s.at("location").at("gcj02").at("lat").as_double(), gcj.lat, 1e-9);
    EXPECT_GT(std::fabs(gcj.lng - 121.4737), 1e-3) << "GCJ-02 differs from WGS-84 in Shanghai";
    EXPECT_EQ(str(s.at("timezone")), "Asia/Shanghai");
    EXPECT_EQ(str(s.at("opening_hours")), "00:00-24:00");
    EXPECT_TRUE(s.at("open_now").as_bool());
    EXPECT_EQ(s.at("tariff_id").as_int64(), tariff_);
    EXPECT_EQ(str(s.at("price_now").at("kind")), "flat");
    EXPECT_EQ(s.at("price_now").at("electricity").as_int64(), 10000);
    EXPECT_EQ(s.at("price_now").at("service").as_int64(), 5000);
    EXPECT_EQ(s.at("price_now").at("total").as_int64(), 15000);
    EXPECT_EQ(s.at("connectors").at("total").as_int64(), 0);
    EXPECT_EQ(s.at("tariff").at("periods").as_array().size(), 1u);
    EXPECT_TRUE(s.at("chargers").as_array().empty());

    EXPECT_EQ(stack_.http().get("/api/v1/stations/999", driver()).status, 404);
    EXPECT_EQ(stack_.http().get("/api/v1/stations/abc", driver()).status, 404);
}

TEST_F(StationApi, UpdateChangesOnlyTheGivenFieldsAndDeleteRemoves) {
    long long id = create_ok(station_body("Old name", 121.47, 31.23));
    const std::string path = "/api/v1/admin/stations/" + std::to_string(id);
    auto r =
        stack_.http().put(path, R"({"name":"New name","opening_hours":"22:00-06:00"})", stack_.admin_token());
    KW_EXPECT_STATUS(r, 200);
    EXPECT_EQ(str(r.json().at("name")), "New name");
    EXPECT_EQ(str(r.json().at("opening_hours")), "22:00-06:00");
    EXPECT_EQ(str(r.json().at("address")), "1 Test Road");
    EXPECT_DOUBLE_EQ(r.json().at("location").at("wgs84").at("lng").as_double(), 121.47);

    EXPECT_EQ(stack_.http().put(path, R"({"tariff_id":999})", stack_.admin_token()).status, 400);
    EXPECT_EQ(stack_.http().put("/api/v1/admin/stations/999", R"({"name":"x"})", stack_.admin_token()).status,
              404);

    EXPECT_EQ(stack_.http().del(path, stack_.admin_token()).status, 204);
    EXPECT_EQ(stack_.http().get("/api/v1/stations/" + std::to_string(id), driver()).status, 404);
    EXPECT_EQ(stack_.http().del(path, stack_.admin_token()).status, 404);

    auto audit = stack_.http().get("/api/v1/admin/audit", stack_.admin_token());
    EXPECT_NE(audit.body.find("station.update"), std::string::npos);
    EXPECT_NE(audit.body.find("station.delete"), std::string::npos);
}

TEST_F(StationApi, InvalidStationsAreRefused) {
    auto expect_400 = [&](json::object body, const std::string& needle) {
        auto r = create(body);
        EXPECT_EQ(r.status, 400) << r.body;
        if (r.status == 400) {
            EXPECT_NE(r.body.find(needle), std::string::npos) << r.body;
        }
    };
    auto with = [&](const char* field, json::value v) {
        json::object b = station_body("S", 121.47, 31.23);
        b[field] = v;
        return b;
    };
    auto without = [&](const char* field) {
        json::object b = station_body("S", 121.47, 31.23);
        b.erase(field);
        return b;
    };
    expect_400(with("timezone", "Mars/Olympus"), "timezone");
    expect_400(with("opening_hours", "8-22"), "");
    expect_400(with("opening_hours", "25:00-26:00"), "");
    expect_400(with("tariff_id", 999), "tariff");
    expect_400(with("lat", 91.0), "lat");
    expect_400(with("lng", "east"), "lng");
    expect_400(with("datum", "gcj02"), "wgs84");
    expect_400(with("name", json::string(std::string(101, 'n'))), "name");
    expect_400(with("name", "   "), "name");
    expect_400(without("name"), "name");
    expect_400(without("lng"), "lng");
    expect_400(without("timezone"), "timezone");
    expect_400(without("tariff_id"), "tariff_id");
    EXPECT_EQ(stack_.http().post("/api/v1/admin/stations", "not json", stack_.admin_token()).status, 400);
    // datum wgs84 is accepted explicitly.
    EXPECT_EQ(create(with("datum", "wgs84")).status, 201);
}

TEST_F(StationApi, StationWithChargersCannotBeDeleted) {
    long long id = create_ok(station_body("S", 121.47, 31.23));
    auto charger = stack_.create_charger(id, "ST-DEL-1");
    auto r = stack_.http().del("/api/v1/admin/stations/" + std::to_string(id), stack_.admin_token());
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(r.json().at("code"), "in_use") << r.body;
    EXPECT_EQ(stack_.http()
                  .del("/api/v1/admin/chargers/" + std::to_string(charger.id), stack_.admin_token())
                  .status,
              204);
    EXPECT_EQ(stack_.http().del("/api/v1/admin/stations/" + std::to_string(id), stack_.admin_token()).status,
              204);
}

TEST_F(StationApi, ListIsPaginatedAndSearchable) {
    create_ok(station_body("Hongqiao Hub", 121.32, 31.19));
    create_ok(station_body("Pudong Airport", 121.80, 31.15));
    create_ok(station_body("Jing'an 100%_Temple", 121.44, 31.22));
    auto r = stack_.http().get("/api/v1/stations?page=1&page_size=2", driver());
    KW_EXPECT_STATUS(r, 200);
    EXPECT_EQ(r.json().at("total").as_int64(), 3);
    EXPECT_EQ(r.json().at("items").as_array().size(), 2u);
    r = stack_.http().get("/api/v1/stations?page=2&page_size=2", driver());
    EXPECT_EQ(r.json().at("items").as_array().size(), 1u);

    r = stack_.http().get("/api/v1/stations?q=PUDONG", driver());
    EXPECT_EQ(names(r.json().at("items").as_array()), std::vector<std::string>{"Pudong Airport"});
    // LIKE wildcards in q are literal.
    r = stack_.http().get("/api/v1/stations?q=100%25_", driver());
    EXPECT_EQ(names(r.json().at("items").as_array()), std::vector<std::string>{"Jing'an 100%_Temple"});
    r = stack_.http().get("/api/v1/stations?q=%25", driver());
    EXPECT_EQ(r.json().at("total").as_int64(), 1);
    r = stack_.http().get("/api/v1/stations?q=%27%20OR%201%3D1%20--", driver());
    KW_EXPECT_STATUS(r, 200);
    EXPECT_EQ(r.json().at("total").as_int64(), 0);

    EXPECT_EQ(stack_.http().get("/api/v1/stations").status, 401);
    EXPECT_EQ(stack_.http().get("/api/v1/stations?page_size=1000", driver()).status, 400);
    // Staff may use the drivers' view too.
    EXPECT_EQ(stack_.http().get("/api/v1/stations", stack_.admin_token()).status, 200);
}

TEST_F(StationApi, NearbyIsSortedByDistanceWithinTheRadius) {
    // Around People's Square, Shanghai: ~0.9 km, ~5 km, ~20 km, ~110 km (Suzhou).
    create_ok(station_body("far", 120.585, 31.299));
    create_ok(station_body("5km", 121.5237, 31.2304));
    create_ok(station_body("near", 121.4830, 31.2304));
    create_ok(station_body("20km", 121.6837, 31.2304));
    const std::string at = "lng=121.4737&lat=31.2304";
    auto items = nearby(at);
    EXPECT_EQ(names(items), (std::vector<std::string>{"near", "5km", "20km"}));
    ASSERT_EQ(items.size(), 3u);
    EXPECT_NEAR(items[0].at("distance_m").to_number<double>(), 886, 10);
    EXPECT_LT(items[0].at("distance_m").to_number<double>(), items[1].at("distance_m").to_number<double>());

    EXPECT_EQ(names(nearby(at + "&radius_m=6000")), (std::vector<std::string>{"near", "5km"}));
    EXPECT_EQ(names(nearby(at + "&radius_m=200000")).size(), 4u);
    EXPECT_EQ(names(nearby(at + "&limit=1")), (std::vector<std::string>{"near"}));

    // The same point given in GCJ-02 finds the same order, the first station ~900 m away.
    domain::LngLat gcj = domain::wgs84_to_gcj02({121.4737, 31.2304});
    char q[128];
    std::snprintf(q, sizeof q, "lng=%.9f&lat=%.9f&datum=gcj02", gcj.lng, gcj.lat);
    auto from_gcj = nearby(q);
    EXPECT_EQ(names(from_gcj), (std::vector<std::string>{"near", "5km", "20km"}));
    ASSERT_FALSE(from_gcj.empty());
    EXPECT_NEAR(from_gcj[0].at("distance_m").to_number<double>(),
                items[0].at("distance_m").to_number<double>(), 1.0);
    // Without saying so, the GCJ-02 point is taken as WGS-84: hundreds of metres off.
    std::snprintf(q, sizeof q, "lng=%.9f&lat=%.9f", gcj.lng, gcj.lat);
    auto wrong = nearby(q);
    ASSERT_FALSE(wrong.empty());
    EXPECT_GT(std::fabs(wrong[0].at("distance_m").to_number<double>() -
                        items[0].at("distance_m").to_number<double>()),
              100);

    auto bad = [&](const std::string& query) {
        return stack_.http().get("/api/v1/stations/nearby?" + query, driver()).status;
    };
    EXPECT_EQ(bad("lng=121.47"), 400);
    EXPECT_EQ(bad(at + "&radius_m=500001"), 400);
    EXPECT_EQ(bad(at + "&radius_m=0"), 400);
    EXPECT_EQ(bad(at + "&limit=101"), 400);
    EXPECT_EQ(bad(at + "&datum=bd09"), 400);
    EXPECT_EQ(bad(at + "&dc_only=maybe"), 400);
    EXPECT_EQ(bad("lng=200&lat=31"), 400);
}

TEST_F(StationApi, NearbyFiltersByOpeningHoursKindAndLiveAvailability) {
    // Opening hours that exclude the current UTC time by two hours either side.
    std::time_t t = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char closed_hours[16];
    std::snprintf(closed_hours, sizeof closed_hours, "%02d:00-%02d:00", (utc.tm_hour + 2) % 24,
                  (utc.tm_hour + 3) % 24);
    json::object closed = station_body("closed", 121.4740, 31.2304);
    closed["timezone"] = "UTC";
    closed["opening_hours"] = closed_hours;
    long long closed_id = create_ok(closed);
    long long ac_id = create_ok(station_body("ac", 121.4750, 31.2304));
    long long dc_id = create_ok(station_body("dc", 121.4760, 31.2304));
    stack_.create_charger(closed_id, "NB-CLOSED", "AC");
    auto ac = stack_.create_charger(ac_id, "NB-AC", "AC", 2);
    stack_.create_charger(dc_id, "NB-DC", "DC", 1, 60000);

    const std::string at = "lng=121.4737&lat=31.2304";
    EXPECT_EQ(names(nearby(at)), (std::vector<std::string>{"closed", "ac", "dc"}));
    EXPECT_EQ(names(nearby(at + "&open_now=true")), (std::vector<std::string>{"ac", "dc"}));
    EXPECT_EQ(names(nearby(at + "&dc_only=true")), (std::vector<std::string>{"dc"}));
    EXPECT_TRUE(nearby(at + "&available_only=true").empty()) << "every charger is offline";
    auto all = nearby(at);
    EXPECT_EQ(all[1].at("connectors").at("total").as_int64(), 2);
    EXPECT_EQ(all[1].at("connectors").at("offline").as_int64(), 2);
    EXPECT_FALSE(all[0].at("open_now").as_bool());

    // The AC charger comes online with both connectors available.
    ASSERT_TRUE(bring_online(stack_.broker().port(), ac.code, ac.password, 2));
    json::array live;
    ASSERT_TRUE(eventually([&] {
        live = nearby(at + "&available_only=true");
        return names(live) == std::vector<std::string>{"ac"} && live[0].at("connectors").at("available") == 2;
    })) << stack_.server_log();
    EXPECT_EQ(live[0].at("connectors").at("available").as_int64(), 2);
    EXPECT_EQ(live[0].at("connectors").at("offline").as_int64(), 0);
    EXPECT_TRUE(nearby(at + "&available_only=true&dc_only=true").empty());

    auto detail = stack_.http().get("/api/v1/stations/" + std::to_string(ac_id), driver()).json();
    auto charger = detail.at("chargers").at(0);
    EXPECT_TRUE(charger.at("online").as_bool());
    EXPECT_EQ(str(charger.at("code")), "NB-AC");
    EXPECT_EQ(charger.at("connectors").as_array().size(), 2u);
    EXPECT_EQ(str(charger.at("connectors").at(0).at("status")), "available");
    EXPECT_EQ(str(charger.at("connectors").at(1).at("qr_content")), "http://127.0.0.1:8080/app/c/NB-AC/2");
    auto dc_detail = stack_.http().get("/api/v1/stations/" + std::to_string(dc_id), driver()).json();
    EXPECT_EQ(str(dc_detail.at("chargers").at(0).at("connectors").at(0).at("status")), "offline");
}

}  // namespace
}  // namespace kw::test
