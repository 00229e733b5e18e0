#include "messages.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <stdexcept>

namespace kw::sim {
namespace {

namespace json = boost::json;

WallTime at(long long ms) { return WallTime{std::chrono::milliseconds(ms)}; }

TEST(Messages, TimestampsAreIsoUtcWithMilliseconds) {
    EXPECT_EQ(utc_iso(at(1780275600000LL)), "2026-06-01T01:00:00.000Z");
    EXPECT_EQ(utc_iso(at(1780275605123LL)), "2026-06-01T01:00:05.123Z");
}

TEST(Messages, TopicsLiveUnderTheChargerCode) { EXPECT_EQ(topic("KW-1", "tx"), "kw/v1/KW-1/tx"); }

TEST(Messages, EndedEventRepeatsTheStartData) {
    TxEnded e{"KW-1-b7-3", 2, 1, 42, 125000, "2026-06-01T01:00:05.000Z", 156800, "remote"};
    const auto o = json::parse(tx_ended_payload(e, at(1780275600000LL))).as_object();
    EXPECT_EQ(o.at("event").as_string(), "ended");
    EXPECT_EQ(o.at("tx_id").as_string(), "KW-1-b7-3");
    EXPECT_EQ(o.at("seq").as_int64(), 2);
    EXPECT_EQ(o.at("order_id").as_int64(), 42);
    EXPECT_EQ(o.at("meter_start_wh").as_int64(), 125000);
    EXPECT_EQ(o.at("started_at").as_string(), "2026-06-01T01:00:05.000Z");
    EXPECT_EQ(o.at("meter_wh").as_int64(), 156800);
    EXPECT_EQ(o.at("reason").as_string(), "remote");
}

TEST(Messages, MeterOmitsTxIdAndSocWhenUnknown) {
    MeterReading m;
    m.connector = 2;
    m.energy_wh = 99;
    const auto o = json::parse(meter_payload(m, at(0))).as_object();
    EXPECT_FALSE(o.contains("tx_id"));
    EXPECT_FALSE(o.contains("soc"));
    EXPECT_EQ(o.at("energy_wh").as_int64(), 99);
    m.tx_id = "T";
    m.soc = 63;
    const auto o2 = json::parse(meter_payload(m, at(0))).as_object();
    EXPECT_EQ(o2.at("tx_id").as_string(), "T");
    EXPECT_EQ(o2.at("soc").as_int64(), 63);
}

TEST(Messages, AckEchoesCorrAndCommand) {
    const auto o = json::parse(ack_payload("o42-stop", "stop", false, "no_transaction")).as_object();
    EXPECT_EQ(o.at("corr").as_string(), "o42-stop");
    EXPECT_EQ(o.at("cmd").as_string(), "stop");
    EXPECT_FALSE(o.at("accepted").as_bool());
    EXPECT_EQ(o.at("reason").as_string(), "no_transaction");
}

TEST(Messages, ParsesStartCommand) {
    const auto c = parse_command(
        R"({"cmd":"start","corr":"o42-start","connector":1,"order_id":42,"ts":"2026-06-01T01:00:00Z"})");
    EXPECT_EQ(c.kind, Command::Kind::kStart);
    EXPECT_EQ(c.corr, "o42-start");
    EXPECT_EQ(c.connector, 1);
    EXPECT_EQ(*c.order_id, 42);
}

TEST(Messages, ParsesStopWithOptionalTxId) {
    const auto c = parse_command(R"({"cmd":"stop","corr":"x","connector":2,"order_id":7,"reason":"driver"})");
    EXPECT_EQ(c.kind, Command::Kind::kStop);
    EXPECT_TRUE(c.tx_id.empty());
    EXPECT_EQ(c.reason, "driver");
}

TEST(Messages, ParsesTxAckAndBootResult) {
    const auto a = parse_command(R"({"cmd":"tx_ack","tx_id":"T-1","seq":2})");
    EXPECT_EQ(a.kind, Command::Kind::kTxAck);
    EXPECT_EQ(a.tx_id, "T-1");
    EXPECT_EQ(a.seq, 2);
    const auto b =
        parse_command(R"({"cmd":"boot_result","status":"accepted","heartbeat_s":15,"server_time":"x"})");
    EXPECT_EQ(b.kind, Command::Kind::kBootResult);
    EXPECT_EQ(b.heartbeat_s, 15);
}

TEST(Messages, UnknownCommandAndUnknownFieldsAreTolerated) {
    EXPECT_EQ(parse_command(R"({"cmd":"reset","foo":1})").kind, Command::Kind::kUnknown);
    EXPECT_EQ(parse_command(R"({"cmd":"tx_ack","tx_id":"T","seq":1,"extra":[1]})").kind,
              Command::Kind::kTxAck);
}

TEST(Messages, MalformedCommandsAreRejected) {
    EXPECT_THROW(parse_command("not json"), std::invalid_argument);
    EXPECT_THROW(parse_command("[1]"), std::invalid_argument);
    EXPECT_THROW(parse_command(R"({"corr":"x"})"), std::invalid_argument);
    EXPECT_THROW(parse_command(R"({"cmd":"start","connector":1})"), std::invalid_argument);
    EXPECT_THROW(parse_command(R"({"cmd":"start","connector":"1","order_id":4})"), std::invalid_argument);
    EXPECT_THROW(parse_command(R"({"cmd":"tx_ack","tx_id":"T"})"), std::invalid_argument);
}

}  // namespace
}  // namespace kw::sim
