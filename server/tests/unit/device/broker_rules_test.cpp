// The charger's broker rules (the Mosquitto role and the EMQX ACL hook share them) and the MQTT
// password hashes the EMQX auth hook checks.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "device/mqtt/dynsec.hpp"
#include "service/network.hpp"

namespace kw::device::mqtt {
namespace {

TEST(ChargerTopicRules, ChargerPublishesOnlyUnderItsOwnPrefix) {
    EXPECT_TRUE(charger_topic_allowed("CP-1", "kw/v1/CP-1/heartbeat", TopicAction::publish));
    EXPECT_TRUE(charger_topic_allowed("CP-1", "kw/v1/CP-1/tx", TopicAction::publish));
    EXPECT_TRUE(charger_topic_allowed("CP-1", "kw/v1/CP-1", TopicAction::publish))
        << "'#' also matches the parent";
    EXPECT_FALSE(charger_topic_allowed("CP-1", "kw/v1/CP-2/heartbeat", TopicAction::publish));
    EXPECT_FALSE(charger_topic_allowed("CP-1", "kw/v1/CP-10/heartbeat", TopicAction::publish));
    EXPECT_FALSE(charger_topic_allowed("CP-1", "kw/v1/CP-1x", TopicAction::publish));
    EXPECT_FALSE(charger_topic_allowed("CP-1", "kw/v1/CP-1/+", TopicAction::publish));
    EXPECT_FALSE(charger_topic_allowed("CP-1", "kw/v1/CP-1/#", TopicAction::publish));
    EXPECT_FALSE(charger_topic_allowed("CP-1", "other/kw/v1/CP-1/x", TopicAction::publish));
    EXPECT_FALSE(charger_topic_allowed("", "kw/v1//x", TopicAction::publish));
}

TEST(ChargerTopicRules, ChargerSubscribesToItsCommandTopicOnly) {
    EXPECT_TRUE(charger_topic_allowed("CP-1", "kw/v1/CP-1/cmd", TopicAction::subscribe));
    EXPECT_FALSE(charger_topic_allowed("CP-1", "kw/v1/CP-2/cmd", TopicAction::subscribe));
    EXPECT_FALSE(charger_topic_allowed("CP-1", "kw/v1/+/cmd", TopicAction::subscribe));
    EXPECT_FALSE(charger_topic_allowed("CP-1", "kw/v1/CP-1/#", TopicAction::subscribe));
    EXPECT_FALSE(charger_topic_allowed("CP-1", "kw/v1/CP-1/heartbeat", TopicAction::subscribe));
    EXPECT_FALSE(charger_topic_allowed("CP-1", "$share/g/kw/v1/CP-1/cmd", TopicAction::subscribe));
}

TEST(ChargerTopicRules, RoleAclsUseLiteralTopicsOfTheCode) {
    EXPECT_EQ(charger_role_name("CP-1"), "kw-charger-CP-1");
    std::set<std::string> acls;
    for (const auto& a : charger_role_acls("CP-1")) {
        EXPECT_TRUE(a.at("allow").as_bool());
        acls.insert(std::string(a.at("acltype").as_string()) + " " + std::string(a.at("topic").as_string()));
    }
    EXPECT_EQ(acls,
              (std::set<std::string>{"publishClientSend kw/v1/CP-1/#", "subscribeLiteral kw/v1/CP-1/cmd",
                                     "publishClientReceive kw/v1/CP-1/cmd"}));
}

}  // namespace
}  // namespace kw::device::mqtt

namespace kw::service {
namespace {

TEST(MqttPassword, GeneratedPasswordsAre24AlphanumericCharactersAndDiffer) {
    std::set<std::string> seen;
    for (int i = 0; i < 50; ++i) {
        std::string p = generate_mqtt_password();
        ASSERT_EQ(p.size(), kMqttPasswordLength);
        for (char c : p) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << p;
        seen.insert(p);
    }
    EXPECT_EQ(seen.size(), 50u);
}

TEST(MqttPassword, HashVerifiesOnlyTheSamePassword) {
    std::string h = hash_mqtt_password("abcDEF123");
    EXPECT_EQ(h.rfind("sha256$", 0), 0u);
    EXPECT_TRUE(verify_mqtt_password(h, "abcDEF123"));
    EXPECT_FALSE(verify_mqtt_password(h, "abcDEF124"));
    EXPECT_FALSE(verify_mqtt_password(h, ""));
    EXPECT_NE(hash_mqtt_password("abcDEF123"), h) << "a fresh salt each time";
}

TEST(MqttPassword, MalformedHashesVerifyNothing) {
    EXPECT_FALSE(verify_mqtt_password("", ""));
    EXPECT_FALSE(verify_mqtt_password("sha256$", ""));
    EXPECT_FALSE(verify_mqtt_password("sha256$$", ""));
    EXPECT_FALSE(verify_mqtt_password("md5$salt$abc", "x"));
    std::string h = hash_mqtt_password("pw");
    EXPECT_FALSE(verify_mqtt_password(h.substr(0, h.size() - 1), "pw"));
}

}  // namespace
}  // namespace kw::service
