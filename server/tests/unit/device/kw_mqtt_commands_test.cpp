// kw-mqtt/1 formats the typed device commands and alone owns correlation ids.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "device/mqtt/correlation.hpp"
#include "device/mqtt/mqtt_commands.hpp"

namespace {

namespace json = boost::json;
using namespace kw::device;
using kw::device::mqtt::correlation_id;
using kw::device::mqtt::format_command;
using kw::device::mqtt::parse_correlation_id;

TEST(KwMqttCommands, StartIsTheDocumentedJsonWithItsCorrelationId) {
    const auto cmd = format_command(StartCommand{42, 1, kw::parse_utc("2026-06-01T01:00:00Z")});
    ASSERT_TRUE(cmd);
    EXPECT_EQ(*cmd, json::parse(R"({"cmd":"start","corr":"o42-start","connector":1,"order_id":42,
                                   "ts":"2026-06-01T01:00:00Z"})")
                        .as_object());
}

TEST(KwMqttCommands, StopCarriesTheTransactionWhenKnown) {
    const auto with = format_command(StopCommand{42, 2, std::string("KW-1-3"), "driver"});
    ASSERT_TRUE(with);
    EXPECT_EQ(*with, json::parse(R"({"cmd":"stop","corr":"o42-stop","connector":2,"order_id":42,
                                    "reason":"driver","tx_id":"KW-1-3"})")
                         .as_object());
    const auto without = format_command(StopCommand{7, 1, std::nullopt, "start_timeout"});
    ASSERT_TRUE(without);
    EXPECT_FALSE(without->contains("tx_id"));
}

TEST(KwMqttCommands, AcknowledgementsOfEventsHaveNoCorrelationId) {
    const auto boot = format_command(BootAccepted{30, kw::parse_utc("2026-06-01T01:00:00Z")});
    ASSERT_TRUE(boot);
    EXPECT_EQ(boot->at("cmd"), "boot_result");
    EXPECT_EQ(boot->at("status"), "accepted");
    EXPECT_EQ(boot->at("heartbeat_s"), 30);
    EXPECT_FALSE(boot->contains("corr"));
    EXPECT_FALSE(boot->contains("meter_interval_s")) << "not told when 0";
    const auto told = format_command(BootAccepted{30, kw::parse_utc("2026-06-01T01:00:00Z"), 15});
    EXPECT_EQ(told->at("meter_interval_s"), 15);
    const auto ack = format_command(TransactionEventAck{"KW-1-3", 2});
    ASSERT_TRUE(ack);
    EXPECT_EQ(*ack, json::parse(R"({"cmd":"tx_ack","tx_id":"KW-1-3","seq":2})").as_object());
}

TEST(KwMqttCommands, AnAuthorizeResultNamesTheCardHoldersGroupWhenThereIsOne) {
    const auto with = format_command(AuthorizeResult{"a1", "04A1", "accepted", std::nullopt, 7});
    ASSERT_TRUE(with);
    EXPECT_EQ(*with, json::parse(R"({"cmd":"authorize_result","corr":"a1","id_tag":"04A1","status":"accepted",
                                    "group":"KW-D7"})")
                         .as_object());
    const auto without = format_command(AuthorizeResult{"a2", "FFFF", "invalid", std::nullopt, 0});
    ASSERT_TRUE(without);
    EXPECT_FALSE(without->contains("group"));
}

TEST(KwMqttCommands, OperatorCommandsCarryTheirRecordInTheCorrelationId) {
    EXPECT_EQ(*format_command(ResetCommand{7, true}),
              json::parse(R"({"cmd":"reset","corr":"c7-reset","hard":true})").as_object());
    EXPECT_EQ(*format_command(ResetCommand{7, false, 2}),
              json::parse(R"({"cmd":"reset","corr":"c7-reset","hard":false,"connector":2})").as_object());
    EXPECT_EQ(*format_command(UnlockCommand{8, 2}),
              json::parse(R"({"cmd":"unlock","corr":"c8-unlock","connector":2})").as_object());
    EXPECT_EQ(*format_command(ChangeAvailabilityCommand{9, 0, false}),
              json::parse(R"({"cmd":"change_availability","corr":"c9-change_availability","connector":0,
                              "operative":false})").as_object());
    EXPECT_EQ(*format_command(GetConfigurationCommand{10, {"HeartbeatInterval"}}),
              json::parse(R"({"cmd":"get_configuration","corr":"c10-get_configuration",
                              "keys":["HeartbeatInterval"]})").as_object());
    EXPECT_EQ(*format_command(SetConfigurationCommand{11, "MeterValueSampleInterval", "10"}),
              json::parse(R"({"cmd":"set_configuration","corr":"c11-set_configuration",
                              "key":"MeterValueSampleInterval","value":"10"})").as_object());
    EXPECT_EQ(*format_command(TriggerMessageCommand{12, "status", 1}),
              json::parse(R"({"cmd":"trigger_message","corr":"c12-trigger_message","message":"status",
                              "connector":1})").as_object());
    EXPECT_EQ(*format_command(ClearCacheCommand{13}),
              json::parse(R"({"cmd":"clear_cache","corr":"c13-clear_cache"})").as_object());
}

TEST(KwMqttCommands, ALocalListSaysWhetherItIsFullOrDifferential) {
    SendLocalListCommand list;
    list.record_id = 14;
    list.differential = true;
    list.list_version = 42;
    list.entries = {{"CARD1", "blocked", std::nullopt}, {"CARD2", "accepted", 1767225600000}};
    EXPECT_EQ(*format_command(list),
              json::parse(R"({"cmd":"send_local_list","corr":"c14-send_local_list","update_type":"differential",
                              "list_version":42,"entries":[{"id_tag":"CARD1","status":"blocked"},
                              {"id_tag":"CARD2","status":"accepted","expires_at":"2026-01-01T00:00:00Z"}]})")
                  .as_object());
    list.differential = false;
    EXPECT_EQ(format_command(list)->at("update_type").as_string(), "full");
}

TEST(KwMqttCorrelation, EveryCommandIdRoundTrips) {
    for (CommandKind k : {CommandKind::start, CommandKind::stop}) {
        const CommandId id{k, 9007199254740993LL};
        EXPECT_EQ(parse_correlation_id(correlation_id(id)), std::optional<CommandId>(id)) << correlation_id(id);
    }
    for (CommandKind k : {CommandKind::reset, CommandKind::unlock, CommandKind::change_availability,
                          CommandKind::get_configuration, CommandKind::set_configuration,
                          CommandKind::trigger_message, CommandKind::clear_cache, CommandKind::send_local_list,
                          CommandKind::get_local_list_version}) {
        const CommandId id{k, 0, 9007199254740993LL};
        EXPECT_EQ(parse_correlation_id(correlation_id(id)), std::optional<CommandId>(id)) << correlation_id(id);
    }
}

TEST(KwMqttCorrelation, AnOrdersPrefixOnAnOperatorsCommandIsNotAttributed) {
    EXPECT_FALSE(parse_correlation_id("o42-reset").has_value());
    EXPECT_FALSE(parse_correlation_id("c42-start").has_value());
}

TEST(KwMqttCorrelation, ForeignOrMalformedIdsAreNotAttributed) {
    for (const char* corr : {"", "o", "o-start", "o42", "o42-", "o42-begin", "x42-start", "o4x2-start", "o-1-start",
                             "tx-KW-1-3-stop", "o42-start-again", "o99999999999999999999-start"})
        EXPECT_FALSE(parse_correlation_id(corr).has_value()) << corr;
}

}  // namespace
