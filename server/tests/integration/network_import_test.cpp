// The admin CSV import against a real Mosquitto with dynamic security and a real SQLite: created
// chargers' credentials from credentials_csv connect and are confined to their own topics, bad rows
// are reported per row and change nothing, a bad header or a non-staff caller changes nothing at all.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <set>
#include <sstream>

#include "network_support.hpp"
#include "stack.hpp"

namespace kw::test {
namespace {

namespace json = boost::json;

struct Credential {
    std::string code, password, kind, connectors, rated_w;
};

std::vector<Credential> read_credentials(const std::string& csv) {
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "code,password,kind,connectors,rated_w");
    std::vector<Credential> out;
    while (std::getline(in, line)) {
        std::vector<std::string> cells;
        std::stringstream cs(line);
        for (std::string cell; std::getline(cs, cell, ',');) cells.push_back(cell);
        EXPECT_EQ(cells.size(), 5u) << line;
        if (cells.size() == 5) out.push_back({cells[0], cells[1], cells[2], cells[3], cells[4]});
    }
    return out;
}

class ChargerImport : public ::testing::Test {
  protected:
    ChargerImport() {
        long long tariff = stack_.create_tariff(json::parse(R"({"prices":{"flat":{"electricity":10000,"service":5000}},
                                                              "periods":[["00:00","24:00","flat"]]})"));
        station_ = stack_.create_station(tariff, 121.47, 31.23, "Import station");
    }
    HttpResult import(const std::string& csv, const std::string& token = {}) {
        return stack_.http().post("/api/v1/admin/chargers/import", csv,
                                  token.empty() ? stack_.admin_token() : token);
    }
    // n rows IMP-0001.. (AC, 2 connectors, 7000 W); the rows listed in `bad` get an unknown station.
    std::string csv(int n, const std::set<int>& bad = {}) {
        std::string out = "code,name,station_id,kind,connectors,rated_w\n";
        for (int i = 1; i <= n; ++i) {
            char code[16];
            std::snprintf(code, sizeof code, "IMP-%04d", i);
            out += std::string(code) + ",\"Pile " + code + ", east\"," +
                   std::to_string(bad.count(i) ? 999999 : station_) + ",AC,2,7000\n";
        }
        return out;
    }
    long long charger_count() {
        auto r = stack_.http().get("/api/v1/admin/chargers?page_size=1", stack_.admin_token());
        return r.json().at("total").as_int64();
    }

    Stack stack_;
    long long station_ = 0;
};

TEST_F(ChargerImport, GoodRowsAreCreatedWithWorkingConfinedCredentialsAndBadRowsAreReported) {
    auto r = import(csv(300, {17, 250}));
    KW_EXPECT_STATUS(r, 200);
    const json::value answer = r.json();
    const auto& o = answer.as_object();
    EXPECT_EQ(o.at("created").as_int64(), 298);
    const auto& errors = o.at("errors").as_array();
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0].at("row").as_int64(), 17);
    EXPECT_EQ(errors[0].at("code").as_string(), "bad_request");
    EXPECT_EQ(errors[1].at("row").as_int64(), 250);
    EXPECT_EQ(charger_count(), 298);

    auto creds = read_credentials(std::string(o.at("credentials_csv").as_string()));
    ASSERT_EQ(creds.size(), 298u);
    EXPECT_EQ(creds[0].code, "IMP-0001");
    EXPECT_EQ(creds[0].kind, "AC");
    EXPECT_EQ(creds[0].connectors, "2");
    EXPECT_EQ(creds[0].rated_w, "7000");
    for (const auto& c : creds) EXPECT_NE(c.code, "IMP-0017");
    // Every account works; a few are checked for confinement (the rules are the same role shape).
    const int port = stack_.broker().port();
    for (const auto& c : creds)
        EXPECT_EQ(SyncClient(port, c.code, c.code, c.password).connack(), std::optional<int>(0)) << c.code;
    for (std::size_t i : {std::size_t{0}, std::size_t{150}, creds.size() - 1}) {
        const Credential& c = creds[i];
        const Credential& other = creds[(i + 1) % creds.size()];
        SyncClient client(port, c.code, c.code, c.password);
        EXPECT_LT(client.publish_qos1("kw/v1/" + c.code + "/heartbeat", "{}").value_or(255), 0x80) << c.code;
        EXPECT_GE(client.publish_qos1("kw/v1/" + other.code + "/heartbeat", "{}").value_or(0), 0x80) << c.code;
        EXPECT_EQ(SyncClient(port, c.code, c.code, other.password).connack(), std::optional<int>(135));
    }
    auto audit = stack_.http().get("/api/v1/admin/audit?page_size=1", stack_.admin_token());
    EXPECT_GE(audit.json().at("total").as_int64(), 298);
}

TEST_F(ChargerImport, ReimportingTheSameCodesReportsAlreadyExistsPerRowAndChangesNothing) {
    auto first = import(csv(5));
    KW_EXPECT_STATUS(first, 200);
    const std::string creds = std::string(first.json().at("credentials_csv").as_string());
    auto again = import(csv(5));
    KW_EXPECT_STATUS(again, 200);
    EXPECT_EQ(again.json().at("created").as_int64(), 0);
    const json::value answer = again.json();
    const auto& errors = answer.at("errors").as_array();
    ASSERT_EQ(errors.size(), 5u);
    for (std::size_t i = 0; i < errors.size(); ++i) {
        EXPECT_EQ(errors[i].at("row").as_int64(), static_cast<std::int64_t>(i + 1));
        EXPECT_EQ(errors[i].at("code").as_string(), "already_exists");
    }
    EXPECT_EQ(again.json().at("credentials_csv").as_string(), "code,password,kind,connectors,rated_w\n");
    EXPECT_EQ(charger_count(), 5);
    // The first passwords still work: the broker accounts were not touched.
    for (const auto& c : read_credentials(creds))
        EXPECT_EQ(SyncClient(stack_.broker().port(), c.code, c.code, c.password).connack(), std::optional<int>(0));
}

TEST_F(ChargerImport, AHeaderWithoutAColumnIsRefusedAndCreatesNothing) {
    auto r = import("code,name,station_id,kind,rated_w\nIMP-1,a," + std::to_string(station_) + ",AC,7000\n");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.json().at("code").as_string(), "bad_request");
    EXPECT_NE(r.body.find("connectors"), std::string::npos);
    EXPECT_EQ(import("").status, 400);
    EXPECT_EQ(charger_count(), 0);
}

TEST_F(ChargerImport, MoreThanTheRowLimitIsRefusedAndCreatesNothing) {
    auto r = import(csv(1001));
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(charger_count(), 0);
}

TEST_F(ChargerImport, OnlyStaffWithNetworkWriteMayImport) {
    EXPECT_EQ(import(csv(2), stack_.driver_token("13700000009")).status, 403);
    EXPECT_EQ(stack_.http().post("/api/v1/admin/chargers/import", csv(2)).status, 401);
    EXPECT_EQ(charger_count(), 0);
    // Every staff role holds network_write today; a maintainer (the narrowest) may import.
    KW_EXPECT_STATUS(import(csv(2), stack_.staff_token("maintainer")), 200);
    EXPECT_EQ(charger_count(), 2);
}

}  // namespace
}  // namespace kw::test
