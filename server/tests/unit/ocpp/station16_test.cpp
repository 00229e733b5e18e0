// The OCPP 1.6 station machine, without sockets: frames in, kw-mqtt/1 messages and frames out.
// RecordingIo stands for the connection (a WebSocket and an MQTT client), which the OCPP integration
// tests drive for real.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>

#include "v16/station.hpp"

namespace kw::ocpp::v16 {
namespace {

namespace json = boost::json;

struct Published {
    std::string kind;
    json::object payload;
    int qos;
};

class RecordingIo : public Io {
  public:
    void send_frame(std::string text) override { frames.push_back(json::parse(text).as_array()); }
    void publish(std::string_view kind, std::string payload, int qos) override {
        published.push_back({std::string(kind), json::parse(payload).as_object(), qos});
    }
    UtcMs now() override { return clock; }
    std::string new_boot_id() override { return "boot" + std::to_string(++boots); }

    std::vector<json::array> frames;
    std::vector<Published> published;
    UtcMs clock = 1780275600000;  // 2026-06-01T01:00:00Z
    int boots = 0;

    std::vector<Published> of(std::string_view kind) const {
        std::vector<Published> out;
        for (const auto& p : published)
            if (p.kind == kind) out.push_back(p);
        return out;
    }
};

class Station16 : public ::testing::Test {
  protected:
    RecordingIo io;
    Station station{"CP-1", io};

    void call(std::string_view id, std::string_view action, std::string_view payload) {
        station.on_frame(R"([2,")" + std::string(id) + R"(",")" + std::string(action) + R"(",)" +
                         std::string(payload) + "]");
    }
    const json::array& last_frame() const { return io.frames.back(); }
    const json::object& answer_payload() const { return last_frame().at(2).as_object(); }
    void advance(int ms) {
        io.clock += ms;
        station.on_tick();
    }
    void start_order(std::int64_t order, int connector = 1, std::int64_t meter = 1000) {
        call("s" + std::to_string(order), "StartTransaction",
             R"({"connectorId":)" + std::to_string(connector) + R"(,"idTag":")" + order_tag(order) +
                 R"(","meterStart":)" + std::to_string(meter) + R"(,"timestamp":"2026-06-01T01:00:00Z"})");
    }
};

TEST_F(Station16, BootNotificationIsPublishedAndAnsweredWithTheCoresInterval) {
    call("b1", "BootNotification", R"({"chargePointVendor":"Acme","chargePointModel":"AC22"})");
    ASSERT_EQ(io.of("boot").size(), 1u);
    EXPECT_EQ(io.of("boot")[0].payload.at("vendor").as_string(), "Acme");
    EXPECT_EQ(io.of("boot")[0].payload.at("boot_id").as_string(), "boot1");
    EXPECT_TRUE(io.frames.empty()) << "answered before the core did";
    station.on_command(R"({"cmd":"boot_result","status":"accepted","heartbeat_s":45})");
    ASSERT_EQ(io.frames.size(), 1u);
    EXPECT_EQ(last_frame().at(0).as_int64(), 3);
    EXPECT_EQ(last_frame().at(1).as_string(), "b1");
    EXPECT_EQ(answer_payload().at("status").as_string(), "Accepted");
    EXPECT_EQ(answer_payload().at("interval").as_int64(), 45);
    EXPECT_EQ(answer_payload().at("currentTime").as_string(), "2026-06-01T01:00:00.000Z");
}

TEST_F(Station16, TheOperatorsMeterIntervalIsSetAfterTheBootIsAccepted) {
    call("b1", "BootNotification", R"({"chargePointVendor":"Acme","chargePointModel":"AC22"})");
    station.on_command(R"({"cmd":"boot_result","status":"accepted","heartbeat_s":30,"meter_interval_s":15})");
    ASSERT_EQ(io.frames.size(), 2u);
    EXPECT_EQ(io.frames[0].at(0).as_int64(), 3) << "the boot answered first";
    EXPECT_EQ(last_frame().at(2).as_string(), "ChangeConfiguration");
    EXPECT_EQ(last_frame().at(3).as_object().at("key").as_string(), "MeterValueSampleInterval");
    EXPECT_EQ(last_frame().at(3).as_object().at("value").as_string(), "15");
    station.on_frame(R"([3,")" + std::string(last_frame().at(1).as_string()) + R"(",{"status":"Accepted"}])");
    EXPECT_TRUE(io.of("ack").empty()) << "the edge's own call: nothing to tell the core";
}

TEST_F(Station16, BootNotificationIsAnsweredPendingWhenTheCoreIsSilent) {
    call("b1", "BootNotification", R"({"chargePointVendor":"Acme","chargePointModel":"AC22"})");
    advance(9000);
    EXPECT_TRUE(io.frames.empty());
    advance(1000);
    ASSERT_EQ(io.frames.size(), 1u);
    EXPECT_EQ(answer_payload().at("status").as_string(), "Pending");
    station.on_command(R"({"cmd":"boot_result","status":"accepted","heartbeat_s":45})");
    EXPECT_EQ(io.frames.size(), 1u) << "a late boot_result answers nothing again";
}

TEST_F(Station16, BootNotificationsOnOneConnectionShareABootIdSoATriggeredOneIsNoReboot) {
    call("b1", "BootNotification", R"({"chargePointVendor":"Acme","chargePointModel":"AC22"})");
    station.on_command(R"({"cmd":"boot_result","status":"accepted","heartbeat_s":30})");
    call("b2", "BootNotification", R"({"chargePointVendor":"Acme","chargePointModel":"AC22"})");
    ASSERT_EQ(io.of("boot").size(), 2u);
    EXPECT_EQ(io.of("boot")[0].payload.at("boot_id"), io.of("boot")[1].payload.at("boot_id"));
    // A new connection (after a power cycle) is a new station machine: a new boot id.
    Station rebooted{"CP-1", io};
    rebooted.on_frame(R"([2,"b3","BootNotification",{"chargePointVendor":"Acme","chargePointModel":"AC22"}])");
    EXPECT_NE(io.of("boot")[2].payload.at("boot_id"), io.of("boot")[0].payload.at("boot_id"));
}

TEST_F(Station16, HeartbeatIsAnsweredAtOnceAndCarriesNoTimeOfTheEdgeBeforeAnyReading) {
    call("h1", "Heartbeat", "{}");
    ASSERT_EQ(io.of("heartbeat").size(), 1u);
    EXPECT_FALSE(io.of("heartbeat")[0].payload.contains("ts"));
    EXPECT_EQ(answer_payload().at("currentTime").as_string(), "2026-06-01T01:00:00.000Z");
}

// Found by the fault suite (clock-skew, then the clocks put right, with OCPP stations): the core
// measures a charger's clock from the ts of its boot or heartbeats, and an OCPP station's had none,
// so a station 5 minutes ahead had its readings believed 5 minutes in the future, and once its clock
// was put right the end of its session looked older than its last reading: billed 30 Wh of 92 Wh.
TEST_F(Station16, TheHeartbeatCarriesTheStationsClockAsItsLatestReadingShowedIt) {
    call("h0", "Heartbeat", "{}");
    EXPECT_FALSE(io.of("heartbeat")[0].payload.contains("ts")) << "no reading yet";
    advance(2000);
    call("m1", "MeterValues", R"({"connectorId":1,"transactionId":42,"meterValue":[{"timestamp":"2026-06-01T01:05:02Z",
        "sampledValue":[{"value":"2000"}]}]})");  // 300 s ahead of the edge's clock (01:00:02)
    // The first reading of the connection: a heartbeat with the station's time goes first, so the
    // core measures this reading and the next ones instead of believing them.
    ASSERT_GE(io.published.size(), 2u);
    const auto& before = io.published[io.published.size() - 2];
    EXPECT_EQ(before.kind, "heartbeat");
    EXPECT_EQ(before.payload.at("ts").as_string(), "2026-06-01T01:05:02.000Z");
    EXPECT_EQ(io.published.back().kind, "meter");
    EXPECT_FALSE(io.published.back().payload.contains("queued"));
    advance(20000);
    call("h1", "Heartbeat", "{}");
    ASSERT_EQ(io.of("heartbeat").size(), 3u);
    EXPECT_EQ(io.of("heartbeat")[2].payload.at("ts").as_string(), "2026-06-01T01:05:22.000Z");
    EXPECT_EQ(answer_payload().at("currentTime").as_string(), "2026-06-01T01:00:22.000Z") << "our own time";
    // The clock put right: the next reading says so, and so does the next heartbeat.
    advance(2000);
    call("m2", "MeterValues", R"({"connectorId":1,"transactionId":42,"meterValue":[{"timestamp":"2026-06-01T01:00:24Z",
        "sampledValue":[{"value":"2010"}]}]})");
    EXPECT_EQ(io.of("heartbeat").size(), 3u) << "only the first reading of a connection adds one";
    advance(6000);
    call("h2", "Heartbeat", "{}");
    EXPECT_EQ(io.of("heartbeat")[3].payload.at("ts").as_string(), "2026-06-01T01:00:30.000Z");
}

// Found by the fault suite (clock-skew, N = 150): every reading of a station 5 minutes behind was
// more than a minute old, taken for one kept offline and believed: those of a session lay before its
// start and were refused, and its end was clamped (148 Wh billed of 153).
TEST_F(Station16, AStationMinutesBehindIsMeasuredNotTakenForOneThatKeptItsReadings) {
    call("h0", "Heartbeat", "{}");
    advance(2000);
    call("m1", "MeterValues", R"({"connectorId":1,"transactionId":42,"meterValue":[{"timestamp":"2026-06-01T00:55:02Z",
        "sampledValue":[{"value":"2000"}]}]})");
    EXPECT_FALSE(io.of("meter")[0].payload.contains("queued")) << "sent on its own: sent when taken";
    EXPECT_EQ(io.of("heartbeat").back().payload.at("ts").as_string(), "2026-06-01T00:55:02.000Z");
}

// Found by the fault suite (net-cut, N = 150): a station's MeterValues queued behind a
// StopTransaction the core could not store came 10 s late, one right after another; taken for a
// clock 10 s behind, they made the core stamp the next readings with their arrival, refuse them as
// too fast and clamp the session's end (97 Wh billed of 136).
TEST_F(Station16, AReadingRightAfterOurAnswerMayHaveWaitedAndIsNoMeasureOfTheClock) {
    call("h0", "Heartbeat", "{}");
    advance(2000);
    call("m1", "MeterValues", R"({"connectorId":1,"transactionId":42,"meterValue":[{"timestamp":"2026-06-01T01:00:02Z",
        "sampledValue":[{"value":"2000"}]}]})");
    ASSERT_FALSE(io.of("meter")[0].payload.contains("queued"));
    advance(20000);
    call("m2", "MeterValues", R"({"connectorId":1,"transactionId":42,"meterValue":[{"timestamp":"2026-06-01T01:00:10Z",
        "sampledValue":[{"value":"2010"}]}]})");  // sent on its own but late: not known as such
    advance(200);  // the next one came right after our answer: it waited in the station's queue
    call("m3", "MeterValues", R"({"connectorId":1,"transactionId":42,"meterValue":[{"timestamp":"2026-06-01T01:00:12Z",
        "sampledValue":[{"value":"2012"}]}]})");
    EXPECT_TRUE(io.of("meter")[2].payload.at("queued").as_bool());
    advance(5000);
    call("h1", "Heartbeat", "{}");
    EXPECT_EQ(io.of("heartbeat").back().payload.at("ts").as_string(), "2026-06-01T01:00:15.200Z")
        << "the offset of the last reading sent on its own (m2), not of m3";
}

TEST_F(Station16, AReadingFirstOnAConnectionOrInAStopIsNoMeasureOfTheStationsClock) {
    call("m1", "MeterValues", R"({"connectorId":1,"transactionId":42,"meterValue":[{"timestamp":"2026-06-01T00:30:00Z",
        "sampledValue":[{"value":"2000"}]}]})");
    EXPECT_TRUE(io.of("meter")[0].payload.at("queued").as_bool()) << "first on the connection";
    advance(5000);
    start_order(43);
    advance(5000);
    call("stop1", "StopTransaction", R"({"transactionId":43,"meterStop":9000,"timestamp":"2026-06-01T00:40:00Z",
        "transactionData":[{"timestamp":"2026-06-01T00:40:00Z","sampledValue":[{"value":"9000"}]}]})");
    EXPECT_TRUE(io.of("meter")[1].payload.at("queued").as_bool()) << "a StopTransaction is sent again until answered";
    call("h1", "Heartbeat", "{}");
    for (const auto& h : io.of("heartbeat")) EXPECT_FALSE(h.payload.contains("ts"));
}

TEST_F(Station16, StatusNotificationBecomesTheConnectorsStatus) {
    call("s1", "StatusNotification",
         R"({"connectorId":2,"errorCode":"NoError","status":"SuspendedEV","timestamp":"2026-06-01T03:00:00+02:00"})");
    auto s = io.of("status");
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].payload.at("connector").as_int64(), 2);
    EXPECT_EQ(s[0].payload.at("status").as_string(), "suspended");
    EXPECT_EQ(s[0].payload.at("error").as_string(), "");
    EXPECT_EQ(s[0].payload.at("ts").as_string(), "2026-06-01T01:00:00.000Z");
    EXPECT_EQ(last_frame().at(0).as_int64(), 3);
}

TEST_F(Station16, ConnectorZeroFaultedRaisesAndLaterClearsAStationFault) {
    call("s1", "StatusNotification", R"({"connectorId":0,"errorCode":"GroundFailure","status":"Faulted"})");
    call("s2", "StatusNotification", R"({"connectorId":0,"errorCode":"NoError","status":"Available"})");
    auto f = io.of("fault");
    ASSERT_EQ(f.size(), 2u);
    EXPECT_EQ(f[0].payload.at("connector").as_int64(), 0);
    EXPECT_EQ(f[0].payload.at("code").as_string(), "GroundFailure");
    EXPECT_FALSE(f[0].payload.at("cleared").as_bool());
    EXPECT_EQ(f[1].payload.at("code").as_string(), "GroundFailure");
    EXPECT_TRUE(f[1].payload.at("cleared").as_bool());
    EXPECT_TRUE(io.of("status").empty());
}

TEST_F(Station16, KwhRegistersAreConvertedToWh) {
    call("m1", "MeterValues", R"({"connectorId":1,"transactionId":42,"meterValue":[{"timestamp":"2026-06-01T01:00:10Z",
        "sampledValue":[{"value":"12.345","measurand":"Energy.Active.Import.Register","unit":"kWh"},
                        {"value":"7.2","measurand":"Power.Active.Import","unit":"kW"},
                        {"value":"63","measurand":"SoC","location":"EV","unit":"Percent"}]}]})");
    auto m = io.of("meter");
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].payload.at("energy_wh").as_int64(), 12345);
    EXPECT_EQ(m[0].payload.at("power_w").as_int64(), 7200);
    EXPECT_EQ(m[0].payload.at("soc").as_int64(), 63);
    EXPECT_EQ(m[0].payload.at("tx_id").as_string(), "42");
    EXPECT_EQ(m[0].qos, 0);
}

TEST_F(Station16, AValueWithoutMeasurandIsTheEnergyRegisterAndPhasesAddUpWithoutATotal) {
    call("m1", "MeterValues", R"({"connectorId":1,"meterValue":[{"timestamp":"2026-06-01T01:00:10Z",
        "sampledValue":[{"value":"5000","context":"Sample.Clock"},
                        {"value":"1000","measurand":"Power.Active.Import","phase":"L1"},
                        {"value":"1100","measurand":"Power.Active.Import","phase":"L2"},
                        {"value":"16","measurand":"Current.Import","phase":"L1"},
                        {"value":"15","measurand":"Current.Import","phase":"L2"},
                        {"value":"230","measurand":"Voltage","phase":"L1-N"},
                        {"value":"232","measurand":"Voltage","phase":"L2-N"}]}]})");
    auto m = io.of("meter");
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].payload.at("energy_wh").as_int64(), 5000);
    EXPECT_EQ(m[0].payload.at("power_w").as_int64(), 2100);
    EXPECT_DOUBLE_EQ(m[0].payload.at("current_a").as_double(), 16);
    EXPECT_DOUBLE_EQ(m[0].payload.at("voltage_v").as_double(), 231);
    EXPECT_FALSE(m[0].payload.contains("tx_id"));
}

TEST_F(Station16, AReadingWithoutAnEnergyRegisterIsNotPublishedButAnswered) {
    call("m1", "MeterValues", R"({"connectorId":1,"meterValue":[{"timestamp":"2026-06-01T01:00:10Z",
        "sampledValue":[{"value":"7200","measurand":"Power.Active.Import"},
                        {"value":"abc","measurand":"Energy.Active.Import.Register"},
                        {"value":"9","format":"SignedData"}]}]})");
    EXPECT_TRUE(io.of("meter").empty());
    EXPECT_EQ(last_frame().at(0).as_int64(), 3);
}

TEST_F(Station16, StartTransactionWithAnOrderTagIsThatOrdersTransaction) {
    start_order(42, 2, 125000);
    EXPECT_EQ(answer_payload().at("transactionId").as_int64(), 42);
    EXPECT_EQ(answer_payload().at("idTagInfo").as_object().at("status").as_string(), "Accepted");
    auto tx = io.of("tx");
    ASSERT_EQ(tx.size(), 1u);
    EXPECT_EQ(tx[0].payload.at("event").as_string(), "started");
    EXPECT_EQ(tx[0].payload.at("tx_id").as_string(), "42");
    EXPECT_EQ(tx[0].payload.at("order_id").as_int64(), 42);
    EXPECT_EQ(tx[0].payload.at("connector").as_int64(), 2);
    EXPECT_EQ(tx[0].payload.at("meter_wh").as_int64(), 125000);
    EXPECT_EQ(tx[0].qos, 1);
}

TEST_F(Station16, AStartTransactionSentAgainWithANewMessageIdGetsTheSameTransactionId) {
    start_order(42);
    const auto first = answer_payload().at("transactionId").as_int64();
    call("retry", "StartTransaction",
         R"({"connectorId":1,"idTag":"KW-O42","meterStart":1000,"timestamp":"2026-06-01T01:00:00Z"})");
    EXPECT_EQ(answer_payload().at("transactionId").as_int64(), first);
    auto tx = io.of("tx");
    ASSERT_EQ(tx.size(), 2u);
    EXPECT_EQ(tx[1].payload.at("seq"), tx[0].payload.at("seq")) << "the same event, applied once by the core";
}

TEST_F(Station16, AStartWithACardIsAnsweredWithTheOrderTheCoreCreated) {
    call("s1", "StartTransaction", R"({"connectorId":2,"idTag":"CARD1","meterStart":500,"timestamp":"2026-06-01T01:00:00Z"})");
    EXPECT_TRUE(io.frames.empty()) << "answered before the core made the order";
    auto started = io.of("tx").at(0).payload;
    EXPECT_EQ(started.at("id_tag").as_string(), "CARD1");
    EXPECT_FALSE(started.contains("order_id"));
    const std::string tx_id(started.at("tx_id").as_string());
    EXPECT_EQ(tx_id, "C2-1780275600000-500");
    station.on_command(R"({"cmd":"tx_ack","tx_id":")" + tx_id + R"(","seq":1,"order_id":77,"card_status":"accepted"})");
    EXPECT_EQ(answer_payload().at("transactionId").as_int64(), 77);
    EXPECT_EQ(answer_payload().at("idTagInfo").as_object().at("status").as_string(), "Accepted");
    call("stop", "StopTransaction", R"({"transactionId":77,"meterStop":900,"timestamp":"2026-06-01T01:10:00Z"})");
    auto ended = io.of("tx").back().payload;
    EXPECT_EQ(ended.at("tx_id").as_string(), "77");
    EXPECT_EQ(ended.at("connector").as_int64(), 2);
    EXPECT_EQ(ended.at("meter_start_wh").as_int64(), 500);
}

TEST_F(Station16, ARefusedCardGetsTransactionIdZeroAndItsStatus) {
    call("s1", "StartTransaction", R"({"connectorId":1,"idTag":"CARD1","meterStart":0,"timestamp":"2026-06-01T01:00:00Z"})");
    const std::string tx_id(io.of("tx").at(0).payload.at("tx_id").as_string());
    station.on_command(R"({"cmd":"tx_ack","tx_id":")" + tx_id + R"(","seq":1,"order_id":0,"card_status":"blocked"})");
    EXPECT_EQ(answer_payload().at("transactionId").as_int64(), 0);
    EXPECT_EQ(answer_payload().at("idTagInfo").as_object().at("status").as_string(), "Blocked");
}

TEST_F(Station16, ACardStartSentAgainNamesTheSameEventAndTheNewerMessageGetsTheAnswer) {
    const char* payload = R"({"connectorId":1,"idTag":"CARD1","meterStart":0,"timestamp":"2026-06-01T01:00:00Z"})";
    call("first", "StartTransaction", payload);
    call("again", "StartTransaction", payload);
    EXPECT_EQ(io.of("tx").size(), 1u) << "published once";
    const std::string tx_id(io.of("tx").at(0).payload.at("tx_id").as_string());
    station.on_command(R"({"cmd":"tx_ack","tx_id":")" + tx_id + R"(","seq":1,"order_id":5,"card_status":"accepted"})");
    ASSERT_EQ(io.frames.size(), 1u);
    EXPECT_EQ(last_frame().at(1).as_string(), "again");
}

TEST_F(Station16, ACardStartTheCoreDoesNotAnswerIsLeftUnansweredNotRefused) {
    call("s1", "StartTransaction", R"({"connectorId":1,"idTag":"CARD1","meterStart":0,"timestamp":"2026-06-01T01:00:00Z"})");
    advance(15000);
    EXPECT_TRUE(io.frames.empty());
    EXPECT_EQ(station.unacked_tx_events(), 1u) << "kept, and sent again with the next heartbeat";
}

TEST_F(Station16, AuthorizeAsksTheCoreAndAnswersItsStatus) {
    call("a1", "Authorize", R"({"idTag":"card7"})");
    auto asked = io.of("authorize").at(0).payload;
    EXPECT_EQ(asked.at("id_tag").as_string(), "card7");
    const std::string corr(asked.at("corr").as_string());
    station.on_command(R"({"cmd":"authorize_result","corr":")" + corr +
                       R"(","id_tag":"CARD7","status":"expired","expires_at":"2026-05-01T00:00:00Z"})");
    EXPECT_EQ(answer_payload().at("idTagInfo").as_object().at("status").as_string(), "Expired");
    EXPECT_EQ(answer_payload().at("idTagInfo").as_object().at("expiryDate").as_string(), "2026-05-01T00:00:00Z");
}

TEST_F(Station16, AuthorizeNamesTheCardHoldersGroupAsParentIdTag) {
    call("a1", "Authorize", R"({"idTag":"card7"})");
    const std::string corr(io.of("authorize").at(0).payload.at("corr").as_string());
    station.on_command(R"({"cmd":"authorize_result","corr":")" + corr +
                       R"(","id_tag":"CARD7","status":"accepted","group":"KW-D12"})");
    EXPECT_EQ(answer_payload().at("idTagInfo").as_object().at("parentIdTag").as_string(), "KW-D12");
}

TEST_F(Station16, WhenTheCoreIsSilentAuthorizeAcceptsOnlyATagItAcceptedBefore) {
    call("a1", "Authorize", R"({"idTag":"CARD7"})");
    const std::string corr(io.of("authorize").at(0).payload.at("corr").as_string());
    station.on_command(R"({"cmd":"authorize_result","corr":")" + corr + R"(","id_tag":"CARD7","status":"accepted"})");
    call("a2", "Authorize", R"({"idTag":"CARD7"})");
    call("a3", "Authorize", R"({"idTag":"CARD8"})");
    advance(5000);
    ASSERT_EQ(io.frames.size(), 3u);
    std::map<std::string, std::string> by_id;
    for (const auto& f : io.frames)
        by_id[std::string(f.at(1).as_string())] = f.at(2).as_object().at("idTagInfo").as_object().at("status").as_string();
    EXPECT_EQ(by_id["a2"], "Accepted");
    EXPECT_EQ(by_id["a3"], "Invalid");
}

TEST_F(Station16, StopTransactionIsAnsweredOnlyOnceTheCoreStoredIt) {
    start_order(42, 1, 1000);
    const auto frames = io.frames.size();
    call("stop1", "StopTransaction",
         R"({"transactionId":42,"meterStop":9000,"timestamp":"2026-06-01T01:30:00Z","reason":"EVDisconnected"})");
    EXPECT_EQ(io.frames.size(), frames) << "answered before the core stored it";
    auto ended = io.of("tx").back().payload;
    EXPECT_EQ(ended.at("event").as_string(), "ended");
    EXPECT_EQ(ended.at("seq").as_int64(), 2);
    EXPECT_EQ(ended.at("connector").as_int64(), 1);
    EXPECT_EQ(ended.at("meter_wh").as_int64(), 9000);
    EXPECT_EQ(ended.at("meter_start_wh").as_int64(), 1000);
    EXPECT_EQ(ended.at("reason").as_string(), "local");
    station.on_command(R"({"cmd":"tx_ack","tx_id":"42","seq":2})");
    ASSERT_EQ(io.frames.size(), frames + 1);
    EXPECT_EQ(last_frame().at(1).as_string(), "stop1");
    EXPECT_EQ(last_frame().at(0).as_int64(), 3);
}

TEST_F(Station16, AStopTheCoreDidNotStoreInTimeGetsAnErrorSoTheStationSendsItAgain) {
    start_order(42);
    call("stop1", "StopTransaction", R"({"transactionId":42,"meterStop":9000,"timestamp":"2026-06-01T01:30:00Z"})");
    advance(15000);
    EXPECT_EQ(last_frame().at(0).as_int64(), 4);
    EXPECT_EQ(last_frame().at(2).as_string(), "InternalError");
}

// Found by the fault suite (mariadb-restart, bench/faults.py with OCPP stations): the core failed to
// store an ended event while its database restarted; the station's transaction messages (a new
// session's StartTransaction on its other connector) then waited for the StopTransaction's error and
// retry, ~25 s. The ended event now goes again every 5 s while the StopTransaction waits.
TEST_F(Station16, AStopWaitingForTheCoreIsPublishedAgainEveryFewSecondsUntilStored) {
    start_order(42);
    station.on_command(R"({"cmd":"tx_ack","tx_id":"42","seq":1})");
    call("stop1", "StopTransaction", R"({"transactionId":42,"meterStop":9000,"timestamp":"2026-06-01T01:30:00Z"})");
    const auto frames = io.frames.size();
    ASSERT_EQ(io.of("tx").size(), 2u);
    advance(4000);
    EXPECT_EQ(io.of("tx").size(), 2u) << "not yet";
    advance(1000);
    ASSERT_EQ(io.of("tx").size(), 3u);
    EXPECT_EQ(io.of("tx").back().payload, io.of("tx")[1].payload) << "the same ended event";
    EXPECT_EQ(io.of("tx").back().qos, 1);
    advance(5000);
    EXPECT_EQ(io.of("tx").size(), 4u);
    station.on_command(R"({"cmd":"tx_ack","tx_id":"42","seq":2})");
    ASSERT_EQ(io.frames.size(), frames + 1);
    EXPECT_EQ(last_frame().at(1).as_string(), "stop1");
    advance(5000);
    EXPECT_EQ(io.of("tx").size(), 4u) << "stored: not again";
}

TEST_F(Station16, AStopForTransactionMinusOneIsAcknowledgedAndPublishesNothing) {
    call("stop1", "StopTransaction", R"({"transactionId":-1,"meterStop":9000,"timestamp":"2026-06-01T01:30:00Z"})");
    EXPECT_EQ(last_frame().at(0).as_int64(), 3);
    EXPECT_TRUE(io.of("tx").empty());
}

TEST_F(Station16, AStopOfATransactionStartedElsewhereLeavesTheConnectorToTheCore) {
    call("stop1", "StopTransaction",
         R"({"transactionId":77,"meterStop":9000,"timestamp":"2026-06-01T01:30:00Z","reason":"PowerLoss"})");
    auto ended = io.of("tx").back().payload;
    EXPECT_EQ(ended.at("connector").as_int64(), 0);
    EXPECT_EQ(ended.at("order_id").as_int64(), 77);
    EXPECT_EQ(ended.at("reason").as_string(), "power_loss");
    EXPECT_FALSE(ended.contains("meter_start_wh"));
}

TEST_F(Station16, TransactionDataBecomesMeterSamplesBeforeTheEnd) {
    start_order(42);
    call("stop1", "StopTransaction", R"({"transactionId":42,"meterStop":9000,"timestamp":"2026-06-01T01:30:00Z",
        "transactionData":[{"timestamp":"2026-06-01T01:15:00Z","sampledValue":[{"value":"5.0","unit":"kWh"}]}]})");
    ASSERT_EQ(io.published.size(), 3u);  // started, the sample, ended
    EXPECT_EQ(io.published[1].kind, "meter");
    EXPECT_EQ(io.published[1].payload.at("energy_wh").as_int64(), 5000);
    EXPECT_EQ(io.published[2].kind, "tx");
}

TEST_F(Station16, MessagesTheStationKeptWhileOfflineAreMarkedQueued) {
    io.clock += 3600'000;  // an hour after the transaction started
    start_order(42);
    call("m1", "MeterValues", R"({"connectorId":1,"transactionId":42,"meterValue":[{"timestamp":"2026-06-01T01:30:00Z",
        "sampledValue":[{"value":"2000"}]}]})");
    advance(1000);  // sent on its own, not right after our last answer (it may have waited then)
    call("m2", "MeterValues", R"({"connectorId":1,"transactionId":42,"meterValue":[{"timestamp":"2026-06-01T01:59:31Z",
        "sampledValue":[{"value":"2100"}]}]})");
    EXPECT_TRUE(io.of("tx").at(0).payload.at("queued").as_bool());
    EXPECT_TRUE(io.of("meter").at(0).payload.at("queued").as_bool());
    EXPECT_FALSE(io.of("meter").at(1).payload.contains("queued")) << "30 s old: live";
}

TEST_F(Station16, TimesOfAClockNeverSetAreReplacedByTheReceiveTime) {
    io.clock = 1780275600000 + 5000;
    call("s1", "StartTransaction", R"({"connectorId":1,"idTag":"KW-O5","meterStart":0,"timestamp":"1970-01-01T00:00:12Z"})");
    EXPECT_EQ(io.of("tx")[0].payload.at("ts").as_string(), "2026-06-01T01:00:05.000Z");
}

TEST_F(Station16, UnacknowledgedTxEventsGoAgainWithEveryHeartbeatUntilTxAck) {
    start_order(42);
    call("h1", "Heartbeat", "{}");
    EXPECT_EQ(io.of("tx").size(), 2u);
    station.on_command(R"({"cmd":"tx_ack","tx_id":"42","seq":1})");
    call("h2", "Heartbeat", "{}");
    EXPECT_EQ(io.of("tx").size(), 2u);
    EXPECT_EQ(station.unacked_tx_events(), 0u);
}

TEST_F(Station16, StartCommandBecomesOneRemoteStartAndItsAnswerTheAck) {
    station.on_command(R"({"cmd":"start","corr":"o42-start","connector":1,"order_id":42})");
    station.on_command(R"({"cmd":"start","corr":"o42-start","connector":1,"order_id":42})");
    ASSERT_EQ(io.frames.size(), 1u) << "the repeat while the first is unanswered sends nothing";
    const auto& c = last_frame();
    EXPECT_EQ(c.at(0).as_int64(), 2);
    EXPECT_EQ(c.at(2).as_string(), "RemoteStartTransaction");
    EXPECT_EQ(c.at(3).as_object().at("idTag").as_string(), "KW-O42");
    const std::string id(c.at(1).as_string());
    station.on_frame(R"([3,")" + id + R"(",{"status":"Accepted"}])");
    auto acks = io.of("ack");
    ASSERT_EQ(acks.size(), 1u);
    EXPECT_EQ(acks[0].payload.at("corr").as_string(), "o42-start");
    EXPECT_TRUE(acks[0].payload.at("accepted").as_bool());
}

TEST_F(Station16, OnlyOneCallIsOutstandingAtATime) {
    station.on_command(R"({"cmd":"start","corr":"o1-start","connector":1,"order_id":1})");
    station.on_command(R"({"cmd":"start","corr":"o2-start","connector":2,"order_id":2})");
    ASSERT_EQ(io.frames.size(), 1u);
    const std::string id(last_frame().at(1).as_string());
    station.on_frame(R"([3,")" + id + R"(",{"status":"Rejected"}])");
    ASSERT_EQ(io.frames.size(), 2u);
    EXPECT_EQ(last_frame().at(3).as_object().at("idTag").as_string(), "KW-O2");
    auto acks = io.of("ack");
    ASSERT_EQ(acks.size(), 1u);
    EXPECT_FALSE(acks[0].payload.at("accepted").as_bool());
    EXPECT_EQ(acks[0].payload.at("reason").as_string(), "rejected");
}

TEST_F(Station16, AnUnansweredCallIsGivenUpAndTheNextOneSent) {
    station.on_command(R"({"cmd":"start","corr":"o1-start","connector":1,"order_id":1})");
    station.on_command(R"({"cmd":"start","corr":"o2-start","connector":2,"order_id":2})");
    advance(30000);
    ASSERT_EQ(io.frames.size(), 2u);
    EXPECT_TRUE(io.of("ack").empty()) << "no answer is no ack: the core repeats the command";
    station.on_command(R"({"cmd":"start","corr":"o1-start","connector":1,"order_id":1})");
    EXPECT_EQ(io.frames.size(), 2u) << "queued behind the one in flight";
}

TEST_F(Station16, AStartForARunningTransactionIsAcknowledgedWithoutAnotherCall) {
    start_order(42);
    const auto frames = io.frames.size();
    station.on_command(R"({"cmd":"start","corr":"o42-start","connector":1,"order_id":42})");
    EXPECT_EQ(io.frames.size(), frames);
    ASSERT_EQ(io.of("ack").size(), 1u);
    EXPECT_TRUE(io.of("ack")[0].payload.at("accepted").as_bool());
}

TEST_F(Station16, AStartForAnEndedTransactionIsRefusedAlreadyEnded) {
    start_order(42);
    call("stop1", "StopTransaction", R"({"transactionId":42,"meterStop":9000,"timestamp":"2026-06-01T01:30:00Z"})");
    const auto frames = io.frames.size();
    station.on_command(R"({"cmd":"start","corr":"o42-start","connector":1,"order_id":42})");
    EXPECT_EQ(io.frames.size(), frames);
    ASSERT_EQ(io.of("ack").size(), 1u);
    EXPECT_EQ(io.of("ack")[0].payload.at("reason").as_string(), "already_ended");
}

TEST_F(Station16, StopCommandBecomesRemoteStopOfTheReportedTransaction) {
    start_order(42);
    station.on_command(R"({"cmd":"stop","corr":"o42-stop","connector":1,"order_id":42,"tx_id":"42","reason":"driver"})");
    EXPECT_EQ(last_frame().at(2).as_string(), "RemoteStopTransaction");
    EXPECT_EQ(last_frame().at(3).as_object().at("transactionId").as_int64(), 42);
}

TEST_F(Station16, DataTransferAnswersUnknownVendorId) {
    call("d1", "DataTransfer", R"({"vendorId":"com.acme"})");
    EXPECT_EQ(answer_payload().at("status").as_string(), "UnknownVendorId");
}

TEST_F(Station16, AnInvalidPayloadIsRefusedWithTheSchemasErrorAndPublishesNothing) {
    call("b1", "BootNotification", R"({"chargePointModel":"AC22"})");
    EXPECT_EQ(last_frame().at(0).as_int64(), 4);
    EXPECT_EQ(last_frame().at(2).as_string(), "OccurenceConstraintViolation");
    EXPECT_TRUE(io.published.empty());
}

TEST_F(Station16, AnUnknownActionIsNotImplemented) {
    call("x1", "MakeCoffee", "{}");
    EXPECT_EQ(last_frame().at(2).as_string(), "NotImplemented");
}

TEST_F(Station16, ACentralSystemsActionSentByTheStationIsNotSupported) {
    call("x1", "ClearCache", "{}");
    EXPECT_EQ(last_frame().at(2).as_string(), "NotSupported");
}

TEST_F(Station16, AMalformedFrameWithAnIdIsAnsweredFormationViolation) {
    station.on_frame(R"([2,"9","Heartbeat","not an object"])");
    EXPECT_EQ(last_frame().at(2).as_string(), "FormationViolation");
}

TEST_F(Station16, AConnectionIsOnlineForTheCoreBeforeAnyBootNotification) {
    station.on_connected();
    ASSERT_EQ(io.of("heartbeat").size(), 1u);
}

TEST_F(Station16, ResetCommandBecomesAResetCallAndItsAnswerTheAck) {
    station.on_command(R"({"cmd":"reset","corr":"c5-reset","hard":true})");
    EXPECT_EQ(last_frame().at(2).as_string(), "Reset");
    EXPECT_EQ(last_frame().at(3).as_object().at("type").as_string(), "Hard");
    station.on_frame(R"([3,")" + std::string(last_frame().at(1).as_string()) + R"(",{"status":"Accepted"}])");
    auto acks = io.of("ack");
    ASSERT_EQ(acks.size(), 1u);
    EXPECT_EQ(acks[0].payload.at("corr").as_string(), "c5-reset");
    EXPECT_EQ(acks[0].payload.at("cmd").as_string(), "reset");
    EXPECT_TRUE(acks[0].payload.at("accepted").as_bool());
}

TEST_F(Station16, UnlockFailedIsARefusalWithItsReason) {
    station.on_command(R"({"cmd":"unlock","corr":"c6-unlock","connector":2})");
    EXPECT_EQ(last_frame().at(3).as_object().at("connectorId").as_int64(), 2);
    station.on_frame(R"([3,")" + std::string(last_frame().at(1).as_string()) + R"(",{"status":"UnlockFailed"}])");
    auto ack = io.of("ack").at(0).payload;
    EXPECT_FALSE(ack.at("accepted").as_bool());
    EXPECT_EQ(ack.at("reason").as_string(), "unlock_failed");
}

TEST_F(Station16, ScheduledAvailabilityIsAcceptedAndSaysSo) {
    station.on_command(R"({"cmd":"change_availability","corr":"c7-change_availability","connector":0,"operative":false})");
    EXPECT_EQ(last_frame().at(3).as_object().at("type").as_string(), "Inoperative");
    station.on_frame(R"([3,")" + std::string(last_frame().at(1).as_string()) + R"(",{"status":"Scheduled"}])");
    auto ack = io.of("ack").at(0).payload;
    EXPECT_TRUE(ack.at("accepted").as_bool());
    EXPECT_EQ(ack.at("reason").as_string(), "scheduled");
}

TEST_F(Station16, TheConfigurationComesBackAsTheAcksResult) {
    station.on_command(R"({"cmd":"get_configuration","corr":"c8-get_configuration","keys":["HeartbeatInterval","Nope"]})");
    EXPECT_EQ(last_frame().at(2).as_string(), "GetConfiguration");
    EXPECT_EQ(last_frame().at(3).as_object().at("key").as_array().size(), 2u);
    station.on_frame(R"([3,")" + std::string(last_frame().at(1).as_string()) +
                     R"(",{"configurationKey":[{"key":"HeartbeatInterval","readonly":false,"value":"30"}],
                        "unknownKey":["Nope"]}])");
    auto ack = io.of("ack").at(0).payload;
    EXPECT_TRUE(ack.at("accepted").as_bool());
    const auto& result = ack.at("result").as_object();
    EXPECT_EQ(result.at("configuration").as_array().at(0).as_object().at("value").as_string(), "30");
    EXPECT_EQ(result.at("unknown_keys").as_array().at(0).as_string(), "Nope");
}

TEST_F(Station16, AllKeysAreAskedWhenNoneIsNamed) {
    station.on_command(R"({"cmd":"get_configuration","corr":"c9-get_configuration","keys":[]})");
    EXPECT_FALSE(last_frame().at(3).as_object().contains("key"));
}

TEST_F(Station16, AnOperatorsCommandWithoutAnAnswerIsReportedOnce) {
    station.on_command(R"({"cmd":"clear_cache","corr":"c10-clear_cache"})");
    EXPECT_EQ(last_frame().at(2).as_string(), "ClearCache");
    advance(30000);
    auto acks = io.of("ack");
    ASSERT_EQ(acks.size(), 1u);
    EXPECT_FALSE(acks[0].payload.at("accepted").as_bool());
    EXPECT_EQ(acks[0].payload.at("reason").as_string(), "no_answer");
}

TEST_F(Station16, TriggerMessageNamesTheOcppMessage) {
    station.on_command(R"({"cmd":"trigger_message","corr":"c11-trigger_message","message":"status","connector":1})");
    EXPECT_EQ(last_frame().at(3).as_object().at("requestedMessage").as_string(), "StatusNotification");
    EXPECT_EQ(last_frame().at(3).as_object().at("connectorId").as_int64(), 1);
    station.on_frame(R"([3,")" + std::string(last_frame().at(1).as_string()) + R"(",{"status":"NotImplemented"}])");
    EXPECT_EQ(io.of("ack").at(0).payload.at("reason").as_string(), "not_implemented");
}

TEST_F(Station16, ACallErrorToAnOperatorsCommandIsARefusalNamingTheError) {
    station.on_command(R"({"cmd":"clear_cache","corr":"c14-clear_cache"})");
    station.on_frame(R"([4,")" + std::string(last_frame().at(1).as_string()) + R"(","NotImplemented","no",{}])");
    auto ack = io.of("ack").at(0).payload;
    EXPECT_FALSE(ack.at("accepted").as_bool());
    EXPECT_EQ(ack.at("reason").as_string(), "not_implemented");
}

TEST_F(Station16, ACallErrorToARemoteStartIsNoAnswerSoTheCoreRepeatsIt) {
    station.on_command(R"({"cmd":"start","corr":"o3-start","connector":1,"order_id":3})");
    station.on_frame(R"([4,")" + std::string(last_frame().at(1).as_string()) + R"(","InternalError","busy",{}])");
    EXPECT_TRUE(io.of("ack").empty());
    station.on_command(R"({"cmd":"start","corr":"o3-start","connector":1,"order_id":3})");
    EXPECT_EQ(last_frame().at(2).as_string(), "RemoteStartTransaction") << "sent again on the repeat";
}

TEST_F(Station16, AnInvalidAnswerToOurCallIsNoAnswer) {
    station.on_command(R"({"cmd":"set_configuration","corr":"c12-set_configuration","key":"K","value":"V"})");
    station.on_frame(R"([3,")" + std::string(last_frame().at(1).as_string()) + R"(",{"status":"Maybe"}])");
    auto ack = io.of("ack").at(0).payload;
    EXPECT_FALSE(ack.at("accepted").as_bool());
    EXPECT_EQ(ack.at("reason").as_string(), "no_answer");
}

TEST_F(Station16, EveryFrameBothWaysIsLoggedOnceASecond) {
    call("h1", "Heartbeat", "{}");
    EXPECT_TRUE(io.of("log").empty());
    advance(1000);
    auto log = io.of("log");
    ASSERT_EQ(log.size(), 1u);
    const auto& entries = log[0].payload.at("entries").as_array();
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].as_object().at("dir").as_string(), "in");
    EXPECT_EQ(entries[0].as_object().at("frame").as_string(), R"([2,"h1","Heartbeat",{}])");
    EXPECT_EQ(entries[1].as_object().at("dir").as_string(), "out");
    advance(1000);
    EXPECT_EQ(io.of("log").size(), 1u) << "nothing new, nothing published";
}

TEST_F(Station16, TheLocalListGoesWholeWithEachCardsStatus) {
    station.on_command(R"({"cmd":"send_local_list","corr":"c20-send_local_list","list_version":7,"entries":[
        {"id_tag":"CARD1","status":"accepted"},
        {"id_tag":"CARD2","status":"blocked"},
        {"id_tag":"CARD3","status":"expired","expires_at":"2026-01-01T00:00:00Z"}]})");
    EXPECT_EQ(last_frame().at(2).as_string(), "SendLocalList");
    const auto& p = last_frame().at(3).as_object();
    EXPECT_EQ(p.at("listVersion").as_int64(), 7);
    EXPECT_EQ(p.at("updateType").as_string(), "Full");
    const auto& list = p.at("localAuthorizationList").as_array();
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[1].as_object().at("idTagInfo").as_object().at("status").as_string(), "Blocked");
    EXPECT_EQ(list[2].as_object().at("idTagInfo").as_object().at("expiryDate").as_string(), "2026-01-01T00:00:00Z");
    station.on_frame(R"([3,")" + std::string(last_frame().at(1).as_string()) + R"(",{"status":"VersionMismatch"}])");
    EXPECT_EQ(io.of("ack").at(0).payload.at("reason").as_string(), "version_mismatch");
}

TEST_F(Station16, ADifferentialLocalListCarriesOnlyTheChangedCards) {
    station.on_command(R"({"cmd":"send_local_list","corr":"c22-send_local_list","update_type":"differential",
        "list_version":9,"entries":[{"id_tag":"CARD2","status":"blocked"}]})");
    EXPECT_EQ(last_frame().at(2).as_string(), "SendLocalList");
    const auto& p = last_frame().at(3).as_object();
    EXPECT_EQ(p.at("updateType").as_string(), "Differential");
    EXPECT_EQ(p.at("listVersion").as_int64(), 9);
    ASSERT_EQ(p.at("localAuthorizationList").as_array().size(), 1u);
    station.on_frame(R"([3,")" + std::string(last_frame().at(1).as_string()) + R"(",{"status":"Accepted"}])");
    EXPECT_TRUE(io.of("ack").at(0).payload.at("accepted").as_bool());
}

TEST_F(Station16, ALocalListWithoutAnUpdateTypeIsFull) {
    station.on_command(R"({"cmd":"send_local_list","corr":"c23-send_local_list","list_version":9,"entries":[]})");
    EXPECT_EQ(last_frame().at(3).as_object().at("updateType").as_string(), "Full");
}

TEST_F(Station16, TheLocalListVersionComesBackAsTheResult) {
    station.on_command(R"({"cmd":"get_local_list_version","corr":"c21-get_local_list_version"})");
    EXPECT_EQ(last_frame().at(2).as_string(), "GetLocalListVersion");
    station.on_frame(R"([3,")" + std::string(last_frame().at(1).as_string()) + R"(",{"listVersion":7}])");
    auto ack = io.of("ack").at(0).payload;
    EXPECT_TRUE(ack.at("accepted").as_bool());
    EXPECT_EQ(ack.at("result").as_object().at("list_version").as_int64(), 7);
}

TEST(OrderTag, RoundTripsAndRefusesLookalikes) {
    EXPECT_EQ(order_tag(42), "KW-O42");
    EXPECT_EQ(order_from_tag("KW-O42"), 42);
    EXPECT_FALSE(order_from_tag("KW-O042").has_value());
    EXPECT_FALSE(order_from_tag("KW-O").has_value());
    EXPECT_FALSE(order_from_tag("KW-O-1").has_value());
    EXPECT_FALSE(order_from_tag("CARD42").has_value());
}

}  // namespace
}  // namespace kw::ocpp::v16
