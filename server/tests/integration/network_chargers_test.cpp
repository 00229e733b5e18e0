// Chargers through the HTTP API: credentials that really work on the broker, validation, connectors,
// the admin list and detail, the drivers' view by code and QR content, and who may do what.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "device/mqtt/client.hpp"
#include "network_support.hpp"
#include "service/network.hpp"
#include "stack.hpp"

namespace kw::test {
namespace {

namespace json = boost::json;

std::string str(const json::value& v) { return std::string(v.as_string()); }

class ChargerApi : public ::testing::Test {
  protected:
    ChargerApi() {
        tariff_ = stack_.create_tariff(json::parse(R"({"prices":{"flat":{"electricity":10000,"service":5000}},
                                                       "periods":[["00:00","24:00","flat"]]})"));
        station_ = stack_.create_station(tariff_, 121.47, 31.23, "Main station");
    }
    HttpResult create(const json::object& body, const std::string& token = {}) {
        return stack_.http().post("/api/v1/admin/chargers", json::serialize(body),
                                  token.empty() ? stack_.admin_token() : token);
    }
    json::object body(const std::string& code) {
        return {{"code", code},
                {"station_id", station_},
                {"name", "Pile " + code},
                {"kind", "DC"},
                {"rated_w", 60000}};
    }
    std::string path(long long id, const std::string& rest = {}) {
        return "/api/v1/admin/chargers/" + std::to_string(id) + rest;
    }
    std::string driver() {
        if (driver_.empty()) driver_ = stack_.driver_token("13700000001");
        return driver_;
    }
    // True once a kw::mqtt::MqttClient with these credentials is connected.
    bool connects(const std::string& code, const std::string& password) {
        kw::mqtt::Options o;
        o.port = stack_.broker().port();
        o.client_id = code;
        o.username = code;
        o.password = password;
        kw::mqtt::MqttClient client(io_.executor(), o);
        client.start();
        return eventually([&] { return client.connected(); }, std::chrono::seconds(5));
    }
    int connack(const std::string& code, const std::string& password) {
        return SyncClient(stack_.broker().port(), code, code, password).connack().value_or(-1);
    }

    Stack stack_;
    IoThread io_;
    long long tariff_ = 0, station_ = 0;
    std::string driver_;
};

TEST_F(ChargerApi, CreatedChargerGetsCredentialsThatConnectToTheBroker) {
    auto r = create(body("KW-SH-0001"));
    KW_EXPECT_STATUS(r, 201);
    auto c = r.json().as_object();
    EXPECT_EQ(str(c.at("code")), "KW-SH-0001");
    EXPECT_EQ(c.at("station_id").as_int64(), station_);
    EXPECT_EQ(str(c.at("station_name")), "Main station");
    EXPECT_EQ(str(c.at("kind")), "DC");
    EXPECT_EQ(c.at("rated_w").as_int64(), 60000);
    EXPECT_FALSE(c.at("online").as_bool());
    ASSERT_EQ(c.at("connectors").as_array().size(), 1u);
    EXPECT_EQ(c.at("connectors").at(0).at("max_w").as_int64(), 60000);
    EXPECT_EQ(str(c.at("connectors").at(0).at("status")), "offline");
    const auto& mqtt = c.at("mqtt");
    EXPECT_EQ(str(mqtt.at("username")), "KW-SH-0001");
    EXPECT_EQ(str(mqtt.at("client_id")), "KW-SH-0001");
    EXPECT_EQ(str(mqtt.at("host")), "127.0.0.1");
    EXPECT_EQ(mqtt.at("port").as_int64(), stack_.broker().port());
    const std::string password = str(mqtt.at("password"));
    EXPECT_EQ(password.size(), kw::service::kMqttPasswordLength);

    EXPECT_TRUE(connects("KW-SH-0001", password));
    EXPECT_EQ(connack("KW-SH-0001", password + "x"), 135);
    // The password is shown once: never in later reads.
    auto g = stack_.http().get(path(c.at("id").as_int64()), stack_.admin_token());
    KW_EXPECT_STATUS(g, 200);
    EXPECT_EQ(g.body.find(password), std::string::npos);
    EXPECT_FALSE(g.json().as_object().contains("mqtt"));
    auto audit = stack_.http().get("/api/v1/admin/audit", stack_.admin_token());
    EXPECT_NE(audit.body.find("charger.create"), std::string::npos);
    EXPECT_EQ(audit.body.find(password), std::string::npos);
}

TEST_F(ChargerApi, DuplicateCodeAlreadyExistsAndBadInputIsRefused) {
    KW_EXPECT_STATUS(create(body("DUP-1")), 201);
    auto dup = create(body("DUP-1"));
    EXPECT_EQ(dup.status, 409);
    EXPECT_EQ(dup.json().at("code"), "already_exists") << dup.body;

    auto expect_400 = [&](json::object b) {
        auto r = create(b);
        EXPECT_EQ(r.status, 400) << json::serialize(b) << " -> " << r.body;
    };
    auto with = [&](const char* field, json::value v) {
        json::object b = body("OK-1");
        b[field] = v;
        return b;
    };
    expect_400(with("code", "has space"));
    expect_400(with("code", "kw/v1/#"));
    expect_400(with("code", ""));
    expect_400(with("code", json::string(std::string(33, 'A'))));
    expect_400(with("code", 7));
    expect_400(with("station_id", 999));
    expect_400(with("kind", "XC"));
    expect_400(with("rated_w", 0));
    expect_400(with("rated_w", "60kW"));
    expect_400(with("connectors", 0));
    expect_400(with("connectors", 9));
    expect_400(with("connectors", json::parse(R"([{"number":1},{"number":1}])")));
    expect_400(with("connectors", json::parse(R"([{"number":1,"max_w":70000}])")));
    expect_400(with("connectors", json::parse(R"([{"number":9}])")));
    expect_400(with("connectors", json::parse(R"("two")")));
    json::object no_code = body("x");
    no_code.erase("code");
    expect_400(no_code);
    EXPECT_EQ(stack_.http().post("/api/v1/admin/chargers", "{", stack_.admin_token()).status, 400);
    // Nothing of the refused ones exists.
    EXPECT_EQ(stack_.http().get("/api/v1/admin/chargers", stack_.admin_token()).json().at("total").as_int64(),
              1);
    EXPECT_EQ(stack_.http().get("/api/v1/chargers/OK-1", driver()).status, 404);
}

TEST_F(ChargerApi, ConnectorsMayBeGivenAsACountOrAList) {
    json::object b = body("MULTI-1");
    b["connectors"] = 3;
    auto r = create(b);
    KW_EXPECT_STATUS(r, 201);
    EXPECT_EQ(r.json().at("connectors").as_array().size(), 3u);

    b = body("MULTI-2");
    b["connectors"] = json::parse(R"([{"number":2,"max_w":30000},{"number":1}])");
    r = create(b);
    KW_EXPECT_STATUS(r, 201);
    auto conns = r.json().at("connectors").as_array();
    ASSERT_EQ(conns.size(), 2u);
    EXPECT_EQ(conns[0].at("number").as_int64(), 1);
    EXPECT_EQ(conns[0].at("max_w").as_int64(), 60000);
    EXPECT_EQ(conns[1].at("number").as_int64(), 2);
    EXPECT_EQ(conns[1].at("max_w").as_int64(), 30000);
}

TEST_F(ChargerApi, NewCredentialsReplaceTheOldPassword) {
    auto c = stack_.create_charger(station_, "CRED-1");
    ASSERT_EQ(connack(c.code, c.password), 0);
    auto r = stack_.http().post(path(c.id, "/credentials"), "{}", stack_.admin_token());
    KW_EXPECT_STATUS(r, 200);
    const std::string fresh = str(r.json().at("mqtt").at("password"));
    EXPECT_NE(fresh, c.password);
    EXPECT_EQ(connack(c.code, c.password), 135);
    EXPECT_EQ(connack(c.code, fresh), 0);
    EXPECT_EQ(stack_.http().post(path(999, "/credentials"), "{}", stack_.admin_token()).status, 404);
}

TEST_F(ChargerApi, DeleteIsRefusedWhileAnOrderIsActiveAndRemovesTheBrokerAccount) {
    auto c = stack_.create_charger(station_, "DEL-1");
    long long order =
        seed_order(stack_.db_url(),
                   {.station_id = station_, .charger_id = c.id, .state = "charging", .created_at = now_ms()});
    auto r = stack_.http().del(path(c.id), stack_.admin_token());
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(r.json().at("code"), "in_use") << r.body;
    EXPECT_EQ(connack(c.code, c.password), 0) << "a refused delete leaves the account alone";

    set_order_state(stack_.db_url(), order, "settled");
    r = stack_.http().del(path(c.id), stack_.admin_token());
    EXPECT_EQ(r.status, 204) << r.body;
    EXPECT_EQ(connack(c.code, c.password), 135);
    EXPECT_EQ(stack_.http().get(path(c.id), stack_.admin_token()).status, 404);
    EXPECT_EQ(stack_.http().del(path(c.id), stack_.admin_token()).status, 404);
    // The code is free again, with a new account.
    auto again = stack_.create_charger(station_, "DEL-1");
    EXPECT_EQ(connack(again.code, again.password), 0);
}

TEST_F(ChargerApi, UpdateEditsEverythingButTheCode) {
    auto c = stack_.create_charger(station_, "UPD-1", "AC", 2, 7000);
    long long other = stack_.create_station(tariff_, 121.5, 31.2, "Other station");
    auto r = stack_.http().put(
        path(c.id),
        json::serialize(
            json::object{{"name", "Renamed"}, {"station_id", other}, {"kind", "DC"}, {"rated_w", 20000}}),
        stack_.admin_token());
    KW_EXPECT_STATUS(r, 200);
    EXPECT_EQ(str(r.json().at("name")), "Renamed");
    EXPECT_EQ(r.json().at("station_id").as_int64(), other);
    EXPECT_EQ(str(r.json().at("station_name")), "Other station");
    EXPECT_EQ(str(r.json().at("kind")), "DC");
    EXPECT_EQ(r.json().at("rated_w").as_int64(), 20000);
    EXPECT_EQ(stack_.http().put(path(c.id), R"({"code":"UPD-2"})", stack_.admin_token()).status, 400);
    EXPECT_EQ(stack_.http()
                  .put(path(c.id), R"({"code":"UPD-1","name":"Same code is fine"})", stack_.admin_token())
                  .status,
              200);
    EXPECT_EQ(stack_.http().put(path(c.id), R"({"station_id":999})", stack_.admin_token()).status, 400);
    EXPECT_EQ(stack_.http().put(path(c.id), R"({"rated_w":5000})", stack_.admin_token()).status, 400)
        << "connectors still allow 7000 W";
    EXPECT_EQ(stack_.http().put(path(999), R"({"name":"x"})", stack_.admin_token()).status, 404);
}

TEST_F(ChargerApi, ConnectorsCanBeAddedEditedAndRemoved) {
    auto c = stack_.create_charger(station_, "CON-1", "AC", 1, 7000);
    auto r = stack_.http().post(path(c.id, "/connectors"), "{}", stack_.admin_token());
    KW_EXPECT_STATUS(r, 201);
    EXPECT_EQ(r.json().at("connectors").as_array().size(), 2u);
    EXPECT_EQ(r.json().at("connectors").at(1).at("number").as_int64(), 2);
    EXPECT_EQ(stack_.http().post(path(c.id, "/connectors"), R"({"number":2})", stack_.admin_token()).status,
              409);
    EXPECT_EQ(stack_.http()
                  .post(path(c.id, "/connectors"), R"({"number":5,"max_w":8000})", stack_.admin_token())
                  .status,
              400);
    r = stack_.http().post(path(c.id, "/connectors"), R"({"number":5,"max_w":3500})", stack_.admin_token());
    KW_EXPECT_STATUS(r, 201);

    r = stack_.http().put(path(c.id, "/connectors/5"), R"({"max_w":3000})", stack_.admin_token());
    KW_EXPECT_STATUS(r, 200);
    EXPECT_EQ(r.json().at("connectors").at(2).at("max_w").as_int64(), 3000);
    EXPECT_EQ(
        stack_.http().put(path(c.id, "/connectors/4"), R"({"max_w":3000})", stack_.admin_token()).status,
        404);
    EXPECT_EQ(stack_.http().put(path(c.id, "/connectors/5"), R"({})", stack_.admin_token()).status, 400);

    long long order = seed_order(stack_.db_url(), {.station_id = station_,
                                                   .charger_id = c.id,
                                                   .connector_no = 2,
                                                   .state = "starting",
                                                   .created_at = now_ms()});
    auto busy = stack_.http().del(path(c.id, "/connectors/2"), stack_.admin_token());
    EXPECT_EQ(busy.status, 409);
    EXPECT_EQ(busy.json().at("code"), "in_use") << busy.body;
    EXPECT_EQ(stack_.http().del(path(c.id, "/connectors/5"), stack_.admin_token()).status, 204);
    set_order_state(stack_.db_url(), order, "cancelled");
    EXPECT_EQ(stack_.http().del(path(c.id, "/connectors/2"), stack_.admin_token()).status, 204);
    EXPECT_EQ(stack_.http().del(path(c.id, "/connectors/2"), stack_.admin_token()).status, 404);
    auto g = stack_.http().get(path(c.id), stack_.admin_token());
    EXPECT_EQ(g.json().at("connectors").as_array().size(), 1u);
    auto audit = stack_.http().get("/api/v1/admin/audit?page_size=100", stack_.admin_token());
    EXPECT_NE(audit.body.find("connector.create"), std::string::npos);
    EXPECT_NE(audit.body.find("connector.update"), std::string::npos);
    EXPECT_NE(audit.body.find("connector.delete"), std::string::npos);
}

TEST_F(ChargerApi, AdminListFiltersByTextStationAndLiveState) {
    long long other = stack_.create_station(tariff_, 121.5, 31.2, "Other station");
    auto a = stack_.create_charger(station_, "LIST-A");
    stack_.create_charger(station_, "LIST-B");
    stack_.create_charger(other, "LIST-C");
    auto list = [&](const std::string& q) {
        auto r = stack_.http().get("/api/v1/admin/chargers" + q, stack_.admin_token());
        EXPECT_EQ(r.status, 200) << r.body;
        std::vector<std::string> codes;
        json::value j = r.json();
        for (const auto& i : j.at("items").as_array()) codes.push_back(str(i.at("code")));
        return std::make_pair(codes, j.at("total").as_int64());
    };
    EXPECT_EQ(list("").second, 3);
    EXPECT_EQ(list("?page_size=2").first.size(), 2u);
    EXPECT_EQ(list("?q=list-c").first, std::vector<std::string>{"LIST-C"});
    EXPECT_EQ(list("?station_id=" + std::to_string(other)).first, std::vector<std::string>{"LIST-C"});
    EXPECT_EQ(list("?online=true").second, 0);
    EXPECT_EQ(list("?online=false").second, 3);

    ASSERT_TRUE(bring_online(stack_.broker().port(), a.code, a.password, 1));
    ASSERT_TRUE(eventually([&] { return list("?online=true").first == std::vector<std::string>{"LIST-A"}; }));
    auto off = list("?online=false&page_size=1&page=2");
    EXPECT_EQ(off.second, 2);
    EXPECT_EQ(off.first, std::vector<std::string>{"LIST-C"});
    json::value item;
    // Boot and status messages are applied independently of the heartbeat that made it online.
    ASSERT_TRUE(eventually([&] {
        item = stack_.http()
                   .get("/api/v1/admin/chargers?q=LIST-A", stack_.admin_token())
                   .json()
                   .at("items")
                   .at(0);
        return str(item.at("connectors").at(0).at("status")) == "available" &&
               str(item.at("vendor")) == "Acme";
    })) << json::serialize(item);
    EXPECT_TRUE(item.at("online").as_bool());
    EXPECT_TRUE(item.at("last_seen").is_string());
    EXPECT_EQ(str(item.at("vendor")), "Acme");
    EXPECT_EQ(str(item.at("protocol")), "kw-mqtt/1");
    EXPECT_EQ(str(item.at("connectors").at(0).at("status")), "available");
    EXPECT_EQ(stack_.http().get("/api/v1/admin/chargers?online=yes", stack_.admin_token()).status, 400);
}

// A connector of an online charger that has not reported its status yet is `unknown` (in the
// documented enum), not an empty string; one that has is shown as reported.
TEST_F(ChargerApi, ConnectorNotReportedYetOnAnOnlineChargerIsUnknown) {
    auto c = stack_.create_charger(station_, "UNK-1", "AC", 2, 7000);
    ASSERT_TRUE(bring_online(stack_.broker().port(), c.code, c.password, 1));  // connector 1 only
    json::value item;
    ASSERT_TRUE(eventually([&] {
        item = stack_.http().get("/api/v1/admin/chargers?q=UNK-1", stack_.admin_token()).json().at("items").at(0);
        return item.at("online").as_bool() && str(item.at("connectors").at(0).at("status")) == "available";
    })) << json::serialize(item);
    EXPECT_EQ(str(item.at("connectors").at(1).at("status")), "unknown") << json::serialize(item);
}

TEST_F(ChargerApi, DetailAndAlarmListShowAlarmsNewestFirst) {
    auto c = stack_.create_charger(station_, "ALM-1");
    auto other = stack_.create_charger(station_, "ALM-2");
    long long t = now_ms();
    for (int i = 0; i < 12; ++i)
        seed_alarm(stack_.db_url(), c.id, 1, "code" + std::to_string(i), t + i, t + i + 1);
    seed_alarm(stack_.db_url(), c.id, 0, "still_on", t + 100, std::nullopt);
    seed_alarm(stack_.db_url(), other.id, 1, "other", t + 50, std::nullopt);

    auto g = stack_.http().get(path(c.id), stack_.admin_token());
    KW_EXPECT_STATUS(g, 200);
    auto alarms = g.json().at("recent_alarms").as_array();
    ASSERT_EQ(alarms.size(), 10u);
    EXPECT_EQ(str(alarms[0].at("code")), "still_on");
    EXPECT_TRUE(alarms[0].at("cleared_at").is_null());
    EXPECT_EQ(str(alarms[1].at("code")), "code11");
    EXPECT_EQ(str(alarms[1].at("charger_code")), "ALM-1");

    auto r = stack_.http().get("/api/v1/admin/alarms?active=true", stack_.admin_token());
    KW_EXPECT_STATUS(r, 200);
    EXPECT_EQ(r.json().at("total").as_int64(), 2);
    r = stack_.http().get("/api/v1/admin/alarms?active=true&charger_id=" + std::to_string(c.id),
                          stack_.admin_token());
    EXPECT_EQ(r.json().at("total").as_int64(), 1);
    EXPECT_EQ(str(r.json().at("items").at(0).at("code")), "still_on");
    r = stack_.http().get("/api/v1/admin/alarms?active=false&page_size=5", stack_.admin_token());
    EXPECT_EQ(r.json().at("total").as_int64(), 12);
    EXPECT_EQ(r.json().at("items").as_array().size(), 5u);
    auto first = r.json().at("items").at(0).as_object();
    for (const char* f : {"id", "charger_id", "charger_code", "connector_no", "code", "severity", "message",
                          "raised_at", "cleared_at"})
        EXPECT_TRUE(first.contains(f)) << f;
    EXPECT_EQ(stack_.http().get("/api/v1/admin/alarms?active=1", stack_.admin_token()).status, 400);
    EXPECT_EQ(stack_.http().get("/api/v1/admin/alarms", driver()).status, 403);
}

TEST_F(ChargerApi, DriversSeeAChargerByCodeOrByItsQrContent) {
    auto c = stack_.create_charger(station_, "QR-1", "AC", 2);
    auto r = stack_.http().get("/api/v1/chargers/QR-1", driver());
    KW_EXPECT_STATUS(r, 200);
    auto j = r.json().as_object();
    EXPECT_EQ(str(j.at("code")), "QR-1");
    EXPECT_EQ(str(j.at("station").at("name")), "Main station");
    EXPECT_EQ(j.at("station").at("id").as_int64(), station_);
    EXPECT_TRUE(j.at("station").as_object().contains("address"));
    EXPECT_EQ(j.at("price_now").at("total").as_int64(), 15000);
    EXPECT_EQ(j.at("connectors").as_array().size(), 2u);
    EXPECT_FALSE(j.contains("mqtt"));
    EXPECT_EQ(r.body.find("sha256$"), std::string::npos);
    const std::string qr = str(j.at("connectors").at(1).at("qr_content"));
    EXPECT_EQ(qr, "http://127.0.0.1:8080/app/c/QR-1/2");

    auto by_qr = [&](const std::string& content) {
        return stack_.http().get("/api/v1/chargers/by-qr?content=" + content, driver());
    };
    r = by_qr("http%3A%2F%2F127.0.0.1%3A8080%2Fapp%2Fc%2FQR-1%2F2");
    KW_EXPECT_STATUS(r, 200);
    EXPECT_EQ(str(r.json().at("charger").at("code")), "QR-1");
    EXPECT_EQ(r.json().at("connector").as_int64(), 2);
    r = by_qr("QR-1%2F1");
    KW_EXPECT_STATUS(r, 200);
    EXPECT_EQ(r.json().at("connector").as_int64(), 1);
    EXPECT_EQ(by_qr("QR-1%2F3").status, 404) << "no connector 3";
    EXPECT_EQ(by_qr("NOPE-1%2F1").status, 404);
    EXPECT_EQ(by_qr("hello").status, 400);
    EXPECT_EQ(by_qr("https%3A%2F%2Fx%2Fapp%2Fc%2FQR%2B1%2F1").status, 400);
    EXPECT_EQ(stack_.http().get("/api/v1/chargers/by-qr", driver()).status, 400);
    EXPECT_EQ(stack_.http().get("/api/v1/chargers/NOPE", driver()).status, 404);
    EXPECT_EQ(stack_.http().get("/api/v1/chargers/QR-1").status, 401);
}

TEST_F(ChargerApi, OnlyStaffWithNetworkRightsManageChargers) {
    const std::string d = driver();
    EXPECT_EQ(create(body("ROLE-1"), d).status, 403);
    EXPECT_EQ(stack_.http().get("/api/v1/admin/chargers", d).status, 403);
    EXPECT_EQ(stack_.http().get("/api/v1/admin/chargers").status, 401);
    EXPECT_EQ(stack_.http().post("/api/v1/admin/stations", "{}", d).status, 403);
    EXPECT_EQ(stack_.http().get("/api/v1/admin/dashboard", d).status, 403);
    EXPECT_EQ(stack_.http().post("/api/v1/admin/chargers", "{}").status, 401);

    const std::string maintainer = stack_.staff_token("maintainer");
    auto r = create(body("ROLE-2"), maintainer);
    KW_EXPECT_STATUS(r, 201);
    long long id = r.json().at("id").as_int64();
    EXPECT_EQ(stack_.http().get("/api/v1/admin/chargers", maintainer).status, 200);
    EXPECT_EQ(stack_.http().post(path(id, "/credentials"), "{}", maintainer).status, 200);
    EXPECT_EQ(stack_.http().get("/api/v1/admin/dashboard", maintainer).status, 200);
    EXPECT_EQ(stack_.http().get("/api/v1/admin/alarms", maintainer).status, 200);
    const std::string op = stack_.staff_token("operator");
    EXPECT_EQ(stack_.http().del(path(id), op).status, 204);
}

}  // namespace
}  // namespace kw::test
