// Tariff administration through the HTTP API: validation names the problem, the spec round-trips,
// and a tariff in use cannot be deleted.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "stack.hpp"

namespace kw::test {
namespace {

namespace json = boost::json;

json::object valid_tariff(const std::string& name = "Shanghai TOU") {
    json::object o = json::parse(R"({"prices":{"peak":{"electricity":12000,"service":8000},
                                     "flat":{"electricity":9000,"service":8000},
                                     "valley":{"electricity":4000,"service":6000}},
                           "periods":[["00:00","08:00","valley"],["08:00","12:00","peak"],
                                      ["12:00","18:00","flat"],["18:00","22:00","peak"],
                                      ["22:00","24:00","valley"]]})")
                         .as_object();
    o["name"] = name;
    return o;
}

std::string str(const json::value& v) { return std::string(v.as_string()); }

class TariffApi : public ::testing::Test {
  protected:
    HttpResult create(const json::object& body) {
        return stack_.http().post("/api/v1/admin/tariffs", json::serialize(body), stack_.admin_token());
    }
    // 400 whose message contains `needle`.
    void expect_rejected(const json::object& body, const std::string& needle) {
        auto r = create(body);
        EXPECT_EQ(r.status, 400) << r.body;
        if (r.status == 400) {
            std::string message(r.json().at("message").as_string());
            EXPECT_NE(message.find(needle), std::string::npos) << "message: " << message;
        }
    }
    Stack stack_;
};

TEST_F(TariffApi, CreatedTariffIsReturnedWithItsPricesAndPeriods) {
    json::object body = valid_tariff();
    body["name"] = "Shanghai TOU";
    auto r = create(body);
    KW_EXPECT_STATUS(r, 201);
    auto t = r.json().as_object();
    long long id = t.at("id").as_int64();
    EXPECT_EQ(str(t.at("name")), "Shanghai TOU");
    EXPECT_EQ(t.at("prices").at("peak").at("electricity").as_int64(), 12000);
    EXPECT_EQ(t.at("periods").as_array().size(), 5u);
    EXPECT_EQ(t.at("periods").at(1), json::parse(R"(["08:00","12:00","peak"])"));
    EXPECT_TRUE(t.contains("created_at"));
    EXPECT_TRUE(t.contains("updated_at"));

    auto g = stack_.http().get("/api/v1/admin/tariffs/" + std::to_string(id), stack_.admin_token());
    KW_EXPECT_STATUS(g, 200);
    EXPECT_EQ(g.json().at("prices"), t.at("prices"));

    create(valid_tariff("second"));
    auto list = stack_.http().get("/api/v1/admin/tariffs?page=1&page_size=1", stack_.admin_token());
    KW_EXPECT_STATUS(list, 200);
    EXPECT_EQ(list.json().at("total").as_int64(), 2);
    EXPECT_EQ(list.json().at("items").as_array().size(), 1u);
    EXPECT_EQ(list.json().at("page_size").as_int64(), 1);
}

TEST_F(TariffApi, UpdateKeepsWhatIsNotGivenAndValidatesTheResult) {
    long long id = create(valid_tariff()).json().at("id").as_int64();
    const std::string path = "/api/v1/admin/tariffs/" + std::to_string(id);
    auto r = stack_.http().put(path, R"({"name":"renamed"})", stack_.admin_token());
    KW_EXPECT_STATUS(r, 200);
    EXPECT_EQ(str(r.json().at("name")), "renamed");
    EXPECT_EQ(r.json().at("periods").as_array().size(), 5u);

    r = stack_.http().put(path, R"({"periods":[["00:00","24:00","flat"]]})", stack_.admin_token());
    KW_EXPECT_STATUS(r, 200);
    EXPECT_EQ(r.json().at("periods").as_array().size(), 1u);

    // A period whose kind has no price is refused, and nothing changes.
    r = stack_.http().put(path, R"({"periods":[["00:00","24:00","sharp"]]})", stack_.admin_token());
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(stack_.http().get(path, stack_.admin_token()).json().at("periods").as_array().size(), 1u);

    EXPECT_EQ(stack_.http().put("/api/v1/admin/tariffs/999", R"({"name":"x"})", stack_.admin_token()).status,
              404);
}

TEST_F(TariffApi, InvalidTariffsAreRefusedNamingTheProblem) {
    auto with = [](const char* field, const char* value) {
        json::object b = valid_tariff();
        b[field] = json::parse(value);
        return b;
    };
    expect_rejected(with("periods", R"([["00:00","08:00","valley"],["09:00","24:00","flat"]])"), "gap");
    expect_rejected(with("periods", R"([["00:00","10:00","valley"],["09:00","24:00","flat"]])"), "overlap");
    expect_rejected(with("periods", R"([["00:00","24:00","cheap"]])"), "cheap");
    expect_rejected(with("periods", R"([["0:00","24:00","flat"]])"), "0:00");
    expect_rejected(with("prices", R"({"flat":{"electricity":-1,"service":0}})"), "negative");
    expect_rejected(with("prices", R"({"flat":{"electricity":1.5,"service":0}})"), "integer");
    expect_rejected(with("prices", R"("free")"), "prices");
    json::object no_periods = valid_tariff();
    no_periods.erase("periods");
    expect_rejected(no_periods, "periods");
    json::object no_name = valid_tariff();
    no_name.erase("name");
    expect_rejected(no_name, "name");
    expect_rejected(with("name", "42"), "name");
    expect_rejected(with("name", ("\"" + std::string(101, 'x') + "\"").c_str()), "name");

    auto r = stack_.http().post("/api/v1/admin/tariffs", "{\"name\":", stack_.admin_token());
    EXPECT_EQ(r.status, 400);
    r = stack_.http().post("/api/v1/admin/tariffs", "[1,2]", stack_.admin_token());
    EXPECT_EQ(r.status, 400);
}

TEST_F(TariffApi, SqlShapedNameIsStoredVerbatim) {
    const std::string name = "x'); DROP TABLE tariffs; --";
    auto r = create(valid_tariff(name));
    KW_EXPECT_STATUS(r, 201);
    auto g = stack_.http().get("/api/v1/admin/tariffs/" + std::to_string(r.json().at("id").as_int64()),
                               stack_.admin_token());
    EXPECT_EQ(str(g.json().at("name")), name);
    EXPECT_EQ(stack_.http().get("/api/v1/admin/tariffs", stack_.admin_token()).json().at("total").as_int64(),
              1);
}

TEST_F(TariffApi, TariffUsedByAStationCannotBeDeleted) {
    long long used = create(valid_tariff()).json().at("id").as_int64();
    long long unused = create(valid_tariff("unused")).json().at("id").as_int64();
    long long station = stack_.create_station(used);
    auto r = stack_.http().del("/api/v1/admin/tariffs/" + std::to_string(used), stack_.admin_token());
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(r.json().at("code"), "in_use") << r.body;
    r = stack_.http().del("/api/v1/admin/tariffs/" + std::to_string(unused), stack_.admin_token());
    EXPECT_EQ(r.status, 204) << r.body;
    EXPECT_EQ(
        stack_.http().get("/api/v1/admin/tariffs/" + std::to_string(unused), stack_.admin_token()).status,
        404);
    r = stack_.http().del("/api/v1/admin/stations/" + std::to_string(station), stack_.admin_token());
    EXPECT_EQ(r.status, 204) << r.body;
    r = stack_.http().del("/api/v1/admin/tariffs/" + std::to_string(used), stack_.admin_token());
    EXPECT_EQ(r.status, 204) << r.body;
}

TEST_F(TariffApi, TariffWritesAreAudited) {
    long long id = create(valid_tariff()).json().at("id").as_int64();
    stack_.http().del("/api/v1/admin/tariffs/" + std::to_string(id), stack_.admin_token());
    auto r = stack_.http().get("/api/v1/admin/audit", stack_.admin_token());
    KW_EXPECT_STATUS(r, 200);
    std::string body = r.body;
    EXPECT_NE(body.find("tariff.create"), std::string::npos) << body;
    EXPECT_NE(body.find("tariff.delete"), std::string::npos) << body;
    EXPECT_NE(body.find("tariff:" + std::to_string(id)), std::string::npos) << body;
}

TEST_F(TariffApi, DriversAndAnonymousCallersCannotUseTariffRoutes) {
    const std::string driver = stack_.driver_token("13800000001");
    EXPECT_EQ(stack_.http().get("/api/v1/admin/tariffs", driver).status, 403);
    EXPECT_EQ(stack_.http().post("/api/v1/admin/tariffs", json::serialize(valid_tariff()), driver).status,
              403);
    EXPECT_EQ(stack_.http().get("/api/v1/admin/tariffs").status, 401);
    const std::string maintainer = stack_.staff_token("maintainer");
    EXPECT_EQ(stack_.http().post("/api/v1/admin/tariffs", json::serialize(valid_tariff()), maintainer).status,
              201);
}

}  // namespace
}  // namespace kw::test
