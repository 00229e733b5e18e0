// The EMQX HTTP authentication/authorization hooks: the same rules as the Mosquitto roles, behind
// the shared secret, and absent when no secret is configured.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "service/network.hpp"
#include "stack.hpp"
#include "store/chargers_repo.hpp"
#include "store/db.hpp"

namespace kw::test {
namespace {

namespace json = boost::json;

class BrokerHooks : public ::testing::Test {
  protected:
    BrokerHooks()
        : stack_(StackOptions{.server_flags = {"--mqtt.hook_secret=hook-Secret1",
                                               "--mqtt.edge_password=edge-Passw0rd-123456"}}) {
        long long tariff =
            stack_.create_tariff(json::parse(R"({"prices":{"flat":{"electricity":1,"service":1}},
                                                                "periods":[["00:00","24:00","flat"]]})"));
        charger_ = stack_.create_charger(stack_.create_station(tariff), "HOOK-1");
    }
    json::object answer(const std::string& route, const json::object& body,
                        const std::string& secret = "hook-Secret1") {
        auto r = stack_.http().post("/api/v1/broker/" + route + "?secret=" + secret, json::serialize(body));
        EXPECT_EQ(r.status, 200) << r.body;
        return r.status == 200 ? r.json().as_object() : json::object{};
    }
    std::string result(const std::string& route, const json::object& body,
                       const std::string& secret = "hook-Secret1") {
        json::object a = answer(route, body, secret);
        return a.contains("result") ? std::string(a.at("result").as_string()) : "";
    }
    std::string auth(const std::string& user, const std::string& password, const std::string& clientid) {
        return result("auth", {{"username", user}, {"password", password}, {"clientid", clientid}});
    }
    std::string acl(const std::string& user, const std::string& topic, const std::string& action,
                    const std::string& clientid = {}) {
        return result("acl", {{"username", user},
                              {"clientid", clientid.empty() ? user : clientid},
                              {"topic", topic},
                              {"action", action}});
    }
    Stack stack_;
    ChargerCredentials charger_;
};

TEST_F(BrokerHooks, ChargerAuthenticatesWithItsIssuedPasswordAndItsCodeAsClientId) {
    EXPECT_EQ(auth("HOOK-1", charger_.password, "HOOK-1"), "allow");
    EXPECT_EQ(auth("HOOK-1", charger_.password + "x", "HOOK-1"), "deny");
    EXPECT_EQ(auth("HOOK-1", charger_.password, "other-client"), "deny");
    EXPECT_EQ(auth("NOPE-1", charger_.password, "NOPE-1"), "deny");
    EXPECT_EQ(auth("", "", ""), "deny");
    EXPECT_EQ(auth(stack_.broker().admin_user(), stack_.broker().admin_password(), "any-id"), "allow");
    EXPECT_EQ(auth(stack_.broker().admin_user(), "wrong", "any-id"), "deny");

    // New credentials: the old password stops working at once.
    auto r = stack_.http().post("/api/v1/admin/chargers/" + std::to_string(charger_.id) + "/credentials",
                                "{}", stack_.admin_token());
    ASSERT_EQ(r.status, 200) << r.body;
    std::string fresh(r.json().at("mqtt").at("password").as_string());
    EXPECT_EQ(auth("HOOK-1", charger_.password, "HOOK-1"), "deny");
    EXPECT_EQ(auth("HOOK-1", fresh, "HOOK-1"), "allow");
}

TEST_F(BrokerHooks, AclConfinesAChargerToItsOwnTopics) {
    EXPECT_EQ(acl("HOOK-1", "kw/v1/HOOK-1/heartbeat", "publish"), "allow");
    EXPECT_EQ(acl("HOOK-1", "kw/v1/HOOK-1/tx", "publish"), "allow");
    EXPECT_EQ(acl("HOOK-1", "kw/v1/HOOK-2/heartbeat", "publish"), "deny");
    EXPECT_EQ(acl("HOOK-1", "kw/v1/HOOK-1x/heartbeat", "publish"), "deny");
    EXPECT_EQ(acl("HOOK-1", "kw/v1/HOOK-1/cmd", "subscribe"), "allow");
    EXPECT_EQ(acl("HOOK-1", "kw/v1/HOOK-2/cmd", "subscribe"), "deny");
    EXPECT_EQ(acl("HOOK-1", "kw/v1/+/cmd", "subscribe"), "deny");
    EXPECT_EQ(acl("HOOK-1", "kw/v1/HOOK-1/#", "subscribe"), "deny");
    EXPECT_EQ(acl("HOOK-1", "kw/v1/HOOK-1/heartbeat", "publish", "someone"), "deny");
    EXPECT_EQ(acl("NOPE-1", "kw/v1/NOPE-1/heartbeat", "publish"), "deny");
    // The server's username alone grants nothing: its rights come from authentication (superuser).
    EXPECT_EQ(acl(stack_.broker().admin_user(), "$share/kilowatt/kw/v1/+/heartbeat", "subscribe", "srv"),
              "deny");
    EXPECT_EQ(acl(stack_.broker().admin_user(), "kw/v1/HOOK-1/cmd", "publish", "srv"), "deny");
    auto r = stack_.http().post(
        "/api/v1/broker/acl?secret=hook-Secret1",
        R"({"username":"HOOK-1","clientid":"HOOK-1","topic":"kw/v1/HOOK-1/x","action":"all"})");
    EXPECT_EQ(r.status, 400);
}

TEST_F(BrokerHooks, TheOcppEdgeAccountOnlyAnnouncesWaitingStationsAndHearsApprovals) {
    EXPECT_EQ(auth("kw-ocpp-edge", "edge-Passw0rd-123456", "kw-ocpp-edge-1"), "allow");
    EXPECT_EQ(auth("kw-ocpp-edge", "edge-Passw0rd-123456", "kw-ocpp-edge-2"), "allow");  // several edges
    EXPECT_EQ(auth("kw-ocpp-edge", "edge-Passw0rd-12345x", "kw-ocpp-edge-1"), "deny");
    EXPECT_EQ(acl("kw-ocpp-edge", "kw/v1/NEW-1/pending", "publish", "kw-ocpp-edge-1"), "allow");
    EXPECT_EQ(acl("kw-ocpp-edge", "kw/edge/approval/+", "subscribe", "kw-ocpp-edge-1"), "allow");
    EXPECT_EQ(acl("kw-ocpp-edge", "kw/v1/HOOK-1/tx", "publish", "kw-ocpp-edge-1"), "deny");
    EXPECT_EQ(acl("kw-ocpp-edge", "kw/v1/HOOK-1/cmd", "subscribe", "kw-ocpp-edge-1"), "deny");
    EXPECT_EQ(acl("kw-ocpp-edge", "kw/edge/approval/NEW-1", "publish", "kw-ocpp-edge-1"), "deny");
    EXPECT_EQ(acl("kw-ocpp-edge", "kw/#", "subscribe", "kw-ocpp-edge-1"), "deny");
}

// Issue 7 on EMQX: superuser is decided by authentication (the server's username AND its password),
// never by the username alone, and a charger's password never authenticates as the server.
TEST_F(BrokerHooks, OnlyTheServersOwnPasswordMakesASuperuserAndAChargerNamedAfterTheServerNeverAuthenticates) {
    const std::string server = stack_.broker().admin_user();
    json::object ok = answer("auth", {{"username", server}, {"password", stack_.broker().admin_password()},
                                      {"clientid", "kilowatt-1"}});
    EXPECT_EQ(ok.at("result"), "allow");
    EXPECT_EQ(ok.at("is_superuser"), true);

    // The attack through the API is refused ...
    const std::string maintainer = stack_.staff_token("maintainer");
    for (const std::string& code : {server, std::string("ADMIN")}) {
        auto r = stack_.http().post("/api/v1/admin/chargers",
                                    json::serialize(json::object{{"code", code},
                                                                 {"station_id", 1},
                                                                 {"kind", "AC"},
                                                                 {"rated_w", 7000}}),
                                    maintainer);
        EXPECT_EQ(r.status, 409) << code << " -> " << r.body;
    }
    // ... and a row made before codes were checked (written here straight into the database) gives
    // its password no way in: not as the server, not as a charger, and its username no ACL.
    const std::string legacy_password = "Legacy-Passw0rd-123456";
    {
        store::Db db(store::DbConfig{stack_.db_url(), 1});
        auto s = db.session();
        store::ChargerRow row;
        row.code = server;
        row.station_id = 1;
        row.name = "legacy";
        row.kind = "AC";
        row.rated_w = 7000;
        row.mqtt_password_hash = service::hash_mqtt_password(legacy_password);
        store::insert_connector(*s, store::insert_charger(*s, row, 1), 1, 7000);
    }
    for (const std::string& clientid : {server, std::string("kilowatt-1")}) {
        json::object denied = answer("auth", {{"username", server}, {"password", legacy_password}, {"clientid", clientid}});
        EXPECT_EQ(denied.at("result"), "deny") << json::serialize(denied);
        EXPECT_FALSE(denied.contains("is_superuser")) << json::serialize(denied);
    }
    EXPECT_EQ(acl(server, "kw/v1/" + server + "/heartbeat", "publish"), "deny");
    EXPECT_EQ(acl(server, "$share/kilowatt/kw/v1/+/tx", "subscribe", "kilowatt-1"), "deny");
    // Ordinary chargers are unaffected.
    EXPECT_EQ(auth("HOOK-1", charger_.password, "HOOK-1"), "allow");
    EXPECT_EQ(answer("auth", {{"username", "HOOK-1"}, {"password", charger_.password}, {"clientid", "HOOK-1"}})
                  .at("is_superuser"),
              false);
}

TEST_F(BrokerHooks, WrongOrMissingSecretIsRefused) {
    auto body = json::serialize(
        json::object{{"username", "HOOK-1"}, {"password", charger_.password}, {"clientid", "HOOK-1"}});
    EXPECT_EQ(stack_.http().post("/api/v1/broker/auth?secret=nope", body).status, 401);
    EXPECT_EQ(stack_.http().post("/api/v1/broker/auth", body).status, 401);
    EXPECT_EQ(stack_.http().post("/api/v1/broker/acl", "{}").status, 401);
}

TEST(BrokerHooksDisabled, WithoutASecretTheRoutesDoNotExist) {
    Stack stack;
    auto r =
        stack.http().post("/api/v1/broker/auth?secret=", R"({"username":"a","password":"b","clientid":"a"})");
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(stack.http().post("/api/v1/broker/acl", "{}").status, 404);
}

}  // namespace
}  // namespace kw::test
