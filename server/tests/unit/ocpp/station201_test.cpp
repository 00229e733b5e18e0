// The OCPP 2.0.1 station machine, without sockets: frames in, kw-mqtt/1 messages and frames out.
// RecordingIo stands for the connection (a WebSocket and an MQTT client), which the e2e tests
// (e2e/ocpp201.test.mjs) drive for real.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "v201/station.hpp"

namespace kw::ocpp::v201 {
namespace {

namespace json = boost::json;

struct Published {
    std::string kind;
    json::object payload;
};

class RecordingIo : public Io {
  public:
    void send_frame(std::string text) override { frames.push_back(json::parse(text).as_array()); }
    void publish(std::string_view kind, std::string payload, int) override {
        published.push_back({std::string(kind), json::parse(payload).as_object()});
    }
    UtcMs now() override { return clock; }
    std::string new_boot_id() override { return "boot"; }

    std::vector<json::array> frames;
    std::vector<Published> published;
    UtcMs clock = 1780275600000;  // 2026-06-01T01:00:00Z

    std::vector<json::object> of(std::string_view kind) const {
        std::vector<json::object> out;
        for (const auto& p : published)
            if (p.kind == kind) out.push_back(p.payload);
        return out;
    }
};

std::string energy(std::int64_t wh, std::string_view context = "Sample.Periodic",
                   std::string_view ts = "2026-06-01T01:00:00Z") {
    return R"({"timestamp":")" + std::string(ts) + R"(","sampledValue":[{"value":)" + std::to_string(wh) +
           R"(,"context":")" + std::string(context) +
           R"(","measurand":"Energy.Active.Import.Register","unitOfMeasure":{"unit":"Wh"}}]})";
}

class Station201 : public ::testing::Test {
  protected:
    RecordingIo io;
    Station station{"CS-1", io};

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
    // A TransactionEvent of transaction `tx`; `extra` is inserted into the payload (",\"offline\":true").
    void event(std::string_view id, std::string_view type, std::string_view tx, int seq, std::string_view info_extra,
               std::string_view extra, std::string_view meter = "") {
        std::string p = R"({"eventType":")" + std::string(type) +
                        R"(","timestamp":"2026-06-01T01:00:00Z","triggerReason":"MeterValuePeriodic","seqNo":)" +
                        std::to_string(seq) + R"(,"transactionInfo":{"transactionId":")" + std::string(tx) + "\"" +
                        std::string(info_extra) + R"(},"evse":{"id":1,"connectorId":1})" + std::string(extra);
        if (!meter.empty()) p += R"(,"meterValue":[)" + std::string(meter) + "]";
        p += "}";
        call(id, "TransactionEvent", p);
    }
    void start_remote(std::int64_t order, std::string_view tx = "T1", std::int64_t wh = 1000) {
        event("e0", "Started", tx, 0, R"(,"remoteStartId":)" + std::to_string(order),
              R"(,"idToken":{"idToken":"KW-O)" + std::to_string(order) + R"(","type":"Central"})",
              energy(wh, "Transaction.Begin"));
    }
    bool last_is_error(std::string_view code) const {
        return last_frame().at(0).as_int64() == 4 && last_frame().at(2).as_string() == code;
    }
};

TEST_F(Station201, BootIsPublishedWithAStableBootIdAndAnsweredWithTheCoresInterval) {
    call("b1", "BootNotification", R"({"reason":"PowerUp","chargingStation":{"model":"M1","vendorName":"Acme"}})");
    ASSERT_EQ(io.of("boot").size(), 1u);
    EXPECT_EQ(io.of("boot")[0].at("vendor").as_string(), "Acme");
    EXPECT_EQ(io.of("boot")[0].at("protocol").as_string(), "ocpp2.0.1");
    EXPECT_TRUE(io.frames.empty()) << "answered before the core did";
    station.on_command(R"({"cmd":"boot_result","status":"accepted","heartbeat_s":45,"meter_interval_s":15})");
    EXPECT_EQ(io.frames[0].at(0).as_int64(), 3);
    EXPECT_EQ(io.frames[0].at(2).as_object().at("status").as_string(), "Accepted");
    EXPECT_EQ(io.frames[0].at(2).as_object().at("interval").as_int64(), 45);
    // The meter interval set as 2.0.1 configures it.
    ASSERT_EQ(io.frames.size(), 2u);
    EXPECT_EQ(io.frames[1].at(2).as_string(), "SetVariables");
    EXPECT_EQ(json::serialize(io.frames[1].at(3)),
              R"({"setVariableData":[{"attributeValue":"15","component":{"name":"SampledDataCtrlr"},"variable":{"name":"TxUpdatedInterval"}}]})");
    // A second boot (a reboot) keeps the boot id: the core must not close sessions whose Ended is queued.
    call("b2", "BootNotification", R"({"reason":"PowerUp","chargingStation":{"model":"M1","vendorName":"Acme"}})");
    EXPECT_EQ(io.of("boot")[1].at("boot_id").as_string(), io.of("boot")[0].at("boot_id").as_string());
}

TEST_F(Station201, WhilePendingOtherCallsGetSecurityErrorAndTheBootIsTriggeredAgain) {
    call("b1", "BootNotification", R"({"reason":"PowerUp","chargingStation":{"model":"M1","vendorName":"Acme"}})");
    advance(10000);
    EXPECT_EQ(answer_payload().at("status").as_string(), "Pending");
    call("h1", "Heartbeat", "{}");
    EXPECT_TRUE(last_is_error("SecurityError"));
    advance(15000);
    EXPECT_EQ(last_frame().at(0).as_int64(), 2);
    EXPECT_EQ(last_frame().at(2).as_string(), "TriggerMessage");
    EXPECT_EQ(last_frame().at(3).as_object().at("requestedMessage").as_string(), "BootNotification");
}

TEST_F(Station201, ARejectedStationIsRefusedUntilItBootsAgain) {
    call("b1", "BootNotification", R"({"reason":"PowerUp","chargingStation":{"model":"M1","vendorName":"Acme"}})");
    station.on_command(R"({"cmd":"boot_result","status":"rejected"})");
    EXPECT_EQ(answer_payload().at("status").as_string(), "Rejected");
    call("s1", "StatusNotification",
         R"({"timestamp":"2026-06-01T01:00:00Z","connectorStatus":"Available","evseId":1,"connectorId":1})");
    EXPECT_TRUE(last_is_error("SecurityError"));
    EXPECT_TRUE(io.of("status").empty());
}

TEST_F(Station201, InvalidPayloadsGetThe201ErrorNames) {
    call("x1", "Heartbeat", R"({"unexpected":1})");
    EXPECT_EQ(last_frame().at(0).as_int64(), 4);
    call("x2", "StatusNotification", R"({"connectorStatus":"Available","evseId":1,"connectorId":1})");
    EXPECT_TRUE(last_is_error("OccurrenceConstraintViolation")) << json::serialize(last_frame());
    station.on_frame(R"([2,"x3","Heartbeat",{}, 5])");
    EXPECT_EQ(last_frame().at(0).as_int64(), 4);
    EXPECT_NE(last_frame().at(2).as_string(), "FormationViolation") << "1.6's name";
}

TEST_F(Station201, EvseStatusIsTheConnectorsStatus) {
    call("s1", "StatusNotification",
         R"({"timestamp":"2026-06-01T01:00:00Z","connectorStatus":"Occupied","evseId":2,"connectorId":1})");
    ASSERT_EQ(io.of("status").size(), 1u);
    EXPECT_EQ(io.of("status")[0].at("connector").as_int64(), 2);
    EXPECT_EQ(io.of("status")[0].at("status").as_string(), "preparing");
    EXPECT_EQ(answer_payload().size(), 0u);
}

TEST_F(Station201, ARemoteStartIsBoundToItsOrderByRemoteStartId) {
    start_remote(42);
    ASSERT_EQ(io.of("tx").size(), 1u);
    const auto started = io.of("tx")[0];
    EXPECT_EQ(started.at("event").as_string(), "started");
    EXPECT_EQ(started.at("tx_id").as_string(), "T-T1") << "named after the station's transaction";
    EXPECT_EQ(started.at("order_id").as_int64(), 42);
    EXPECT_EQ(started.at("meter_wh").as_int64(), 1000);
    EXPECT_EQ(answer_payload().at("idTokenInfo").as_object().at("status").as_string(), "Accepted");
    // Updated readings bill to the order.
    event("e1", "Updated", "T1", 1, R"(,"chargingState":"Charging")", "", energy(1500));
    ASSERT_EQ(io.of("meter").size(), 2u);  // the Started's and the Updated's readings
    EXPECT_EQ(io.of("meter")[1].at("tx_id").as_string(), "T-T1");
    EXPECT_EQ(io.of("meter")[1].at("energy_wh").as_int64(), 1500);
    EXPECT_EQ(io.of("status").back().at("status").as_string(), "charging");
}

TEST_F(Station201, EndedIsAnsweredOnlyOnceTheCoreStoredIt) {
    start_remote(42);
    event("e1", "Ended", "T1", 1, R"(,"stoppedReason":"Remote")", "", energy(2500, "Transaction.End"));
    const auto ended = io.of("tx").back();
    EXPECT_EQ(ended.at("event").as_string(), "ended");
    EXPECT_EQ(ended.at("meter_wh").as_int64(), 2500);
    EXPECT_EQ(ended.at("meter_start_wh").as_int64(), 1000);
    EXPECT_EQ(ended.at("reason").as_string(), "remote");
    const auto frames = io.frames.size();
    advance(5000);  // replayed meanwhile
    EXPECT_EQ(io.frames.size(), frames) << "answered before the core stored it";
    EXPECT_EQ(io.of("tx").size(), 3u);
    station.on_command(R"({"cmd":"tx_ack","tx_id":"T-T1","seq":2})");
    EXPECT_EQ(last_frame().at(1).as_string(), "e1");
    EXPECT_EQ(last_frame().at(0).as_int64(), 3);
}

TEST_F(Station201, AnEndedTheCoreDoesNotStoreInTimeGetsAnErrorSoTheStationSendsItAgain) {
    start_remote(42);
    event("e1", "Ended", "T1", 1, "", "", energy(2500, "Transaction.End"));
    advance(15000);
    EXPECT_TRUE(last_is_error("InternalError"));
    // Sent again: the same seqNo, answered when the core stores it.
    event("e1b", "Ended", "T1", 1, "", "", energy(2500, "Transaction.End"));
    station.on_command(R"({"cmd":"tx_ack","tx_id":"T-T1","seq":2})");
    EXPECT_EQ(last_frame().at(1).as_string(), "e1b");
}

TEST_F(Station201, AnEventSentAgainIsAnsweredAndAppliedOnce) {
    start_remote(42);
    event("e1", "Updated", "T1", 1, "", "", energy(1500));
    const auto meters = io.of("meter").size();
    event("e1-again", "Updated", "T1", 1, "", "", energy(1500));
    EXPECT_EQ(io.of("meter").size(), meters);
    EXPECT_EQ(last_frame().at(1).as_string(), "e1-again");
    EXPECT_EQ(last_frame().at(0).as_int64(), 3);
}

TEST_F(Station201, ASeqNoGapIsRaisedAsAnAlarmAndTheLaterEventsStillApply) {
    start_remote(42);
    event("e3", "Updated", "T1", 3, "", "", energy(1800));
    ASSERT_EQ(io.of("fault").size(), 1u);
    EXPECT_EQ(io.of("fault")[0].at("code").as_string(), "TxSeqNoGap");
    EXPECT_EQ(io.of("fault")[0].at("message").as_string(), "transaction T1: seqNo 1 to 2 missing");
    EXPECT_EQ(io.of("meter").back().at("energy_wh").as_int64(), 1800);
    // The missing ones arriving late still apply, and raise nothing more.
    event("e1", "Updated", "T1", 1, "", "", energy(1200));
    EXPECT_EQ(io.of("fault").size(), 1u);
    EXPECT_EQ(io.of("meter").back().at("energy_wh").as_int64(), 1200);
}

TEST_F(Station201, OfflineEventsAreQueuedSoTheCoreBelievesTheirTimes) {
    event("e0", "Started", "T9", 0, R"(,"remoteStartId":7)", R"(,"offline":true)",
          energy(100, "Transaction.Begin", "2026-06-01T00:30:00Z"));
    EXPECT_TRUE(io.of("tx").back().at("queued").as_bool());
    EXPECT_EQ(io.of("tx").back().at("ts").as_string(), "2026-06-01T01:00:00.000Z");
    EXPECT_TRUE(io.of("meter").back().at("queued").as_bool());
    EXPECT_EQ(io.of("meter").back().at("ts").as_string(), "2026-06-01T00:30:00.000Z");
}

TEST_F(Station201, ATransactionStartedByPluggingInIsBilledFromItsAuthorisation) {
    event("e0", "Started", "P1", 0, "", "", energy(500, "Transaction.Begin"));
    EXPECT_TRUE(io.of("tx").empty()) << "no order and no card yet";
    event("e1", "Updated", "P1", 1, "", R"(,"idToken":{"idToken":"KW-O11","type":"Central"})", energy(520));
    ASSERT_EQ(io.of("tx").size(), 1u);
    EXPECT_EQ(io.of("tx")[0].at("order_id").as_int64(), 11);
    EXPECT_EQ(io.of("tx")[0].at("meter_wh").as_int64(), 520);
}

TEST_F(Station201, NothingIsPublishedBeforeAnEnergyReadingIsKnown) {
    event("e0", "Started", "T1", 0, R"(,"remoteStartId":5)", "");
    EXPECT_TRUE(io.of("tx").empty()) << "a start reading of 0 would bill the whole register";
    event("e1", "Updated", "T1", 1, "", "", energy(7000));
    ASSERT_EQ(io.of("tx").size(), 1u);
    EXPECT_EQ(io.of("tx")[0].at("meter_wh").as_int64(), 7000);
}

TEST_F(Station201, ACardStartIsAnsweredWithTheCoresOrderAndStatus) {
    event("e0", "Started", "C1", 0, "", R"(,"idToken":{"idToken":"04A1B2C3","type":"ISO14443"})",
          energy(100, "Transaction.Begin"));
    ASSERT_EQ(io.of("tx").size(), 1u);
    EXPECT_EQ(io.of("tx")[0].at("id_tag").as_string(), "04A1B2C3");
    EXPECT_FALSE(io.of("tx")[0].contains("order_id"));
    EXPECT_TRUE(io.frames.empty()) << "answered before the core made the order";
    const std::string tx_id(io.of("tx")[0].at("tx_id").as_string());
    station.on_command(R"({"cmd":"tx_ack","tx_id":")" + tx_id + R"(","seq":1,"order_id":77,"card_status":"accepted"})");
    EXPECT_EQ(answer_payload().at("idTokenInfo").as_object().at("status").as_string(), "Accepted");
    event("e1", "Ended", "C1", 1, "", "", energy(900, "Transaction.End"));
    EXPECT_EQ(io.of("tx").back().at("order_id").as_int64(), 77);
    EXPECT_EQ(io.of("tx").back().at("tx_id").as_string(), tx_id) << "the card start keeps its name";
    EXPECT_TRUE(io.of("tx")[0].at("keep_tx_id").as_bool());
    EXPECT_EQ(io.of("tx").back().at("meter_wh").as_int64(), 900);
}

TEST_F(Station201, ARefusedCardIsNeverBilled) {
    event("e0", "Started", "C1", 0, "", R"(,"idToken":{"idToken":"BAD","type":"ISO14443"})",
          energy(100, "Transaction.Begin"));
    const std::string tx_id(io.of("tx")[0].at("tx_id").as_string());
    station.on_command(R"({"cmd":"tx_ack","tx_id":")" + tx_id + R"(","seq":1,"order_id":0,"card_status":"blocked"})");
    EXPECT_EQ(answer_payload().at("idTokenInfo").as_object().at("status").as_string(), "Blocked");
    event("e1", "Updated", "C1", 1, "", "", energy(200));
    event("e2", "Ended", "C1", 2, "", "", energy(300, "Transaction.End"));
    EXPECT_EQ(io.of("tx").size(), 1u) << "no ended event for a transaction without order";
    EXPECT_EQ(last_frame().at(0).as_int64(), 3);
}

TEST_F(Station201, AuthorizeAnswersTheCoresStatusExpiryAndGroup) {
    call("a1", "Authorize", R"({"idToken":{"idToken":"04A1B2","type":"ISO14443"}})");
    ASSERT_EQ(io.of("authorize").size(), 1u);
    EXPECT_EQ(io.of("authorize")[0].at("id_tag").as_string(), "04A1B2");
    const std::string corr(io.of("authorize")[0].at("corr").as_string());
    station.on_command(R"({"cmd":"authorize_result","corr":")" + corr +
                       R"(","id_tag":"04A1B2","status":"accepted","expires_at":"2027-01-01T00:00:00Z","group":"KW-D12"})");
    const auto& info = answer_payload().at("idTokenInfo").as_object();
    EXPECT_EQ(info.at("status").as_string(), "Accepted");
    EXPECT_EQ(info.at("cacheExpiryDateTime").as_string(), "2027-01-01T00:00:00Z");
    EXPECT_EQ(json::serialize(info.at("groupIdToken")), R"({"idToken":"KW-D12","type":"Central"})");
}

TEST_F(Station201, WhenTheCoreIsSilentAuthorizeAcceptsOnlyATokenItAcceptedBefore) {
    call("a1", "Authorize", R"({"idToken":{"idToken":"04A1B2","type":"ISO14443"}})");
    advance(5000);
    EXPECT_EQ(answer_payload().at("idTokenInfo").as_object().at("status").as_string(), "Unknown");
    call("a2", "Authorize", R"({"idToken":{"idToken":"04A1B2","type":"ISO14443"}})");
    station.on_command(R"({"cmd":"authorize_result","corr":")" +
                       std::string(io.of("authorize")[1].at("corr").as_string()) +
                       R"(","id_tag":"04A1B2","status":"accepted"})");
    call("a3", "Authorize", R"({"idToken":{"idToken":"04A1B2","type":"ISO14443"}})");
    advance(5000);
    EXPECT_EQ(answer_payload().at("idTokenInfo").as_object().at("status").as_string(), "Accepted");
}

TEST_F(Station201, TheAppsStartAndStopAreRequestStartAndRequestStopTransaction) {
    station.on_command(R"({"cmd":"start","corr":"o42-start","connector":2,"order_id":42})");
    EXPECT_EQ(last_frame().at(2).as_string(), "RequestStartTransaction");
    EXPECT_EQ(json::serialize(last_frame().at(3)),
              R"({"evseId":2,"remoteStartId":42,"idToken":{"idToken":"KW-O42","type":"Central"}})");
    station.on_frame(R"([3,")" + std::string(last_frame().at(1).as_string()) + R"(",{"status":"Accepted"}])");
    EXPECT_EQ(io.of("ack").back().at("accepted").as_bool(), true);
    start_remote(42, "TX-9");
    station.on_command(R"({"cmd":"stop","corr":"o42-stop","connector":2,"order_id":42,"tx_id":"42"})");
    EXPECT_EQ(last_frame().at(2).as_string(), "RequestStopTransaction");
    EXPECT_EQ(last_frame().at(3).as_object().at("transactionId").as_string(), "TX-9");
}

TEST_F(Station201, AResetIsOfTheStationOrOfOneEvse) {
    station.on_command(R"({"cmd":"reset","corr":"r1","hard":false})");
    EXPECT_EQ(last_frame().at(2).as_string(), "Reset");
    EXPECT_EQ(json::serialize(last_frame().at(3)), R"({"type":"OnIdle"})");
    station.on_frame(R"([3,")" + std::string(last_frame().at(1).as_string()) + R"(",{"status":"Scheduled"}])");
    EXPECT_TRUE(io.of("ack").back().at("accepted").as_bool());
    EXPECT_EQ(io.of("ack").back().at("reason").as_string(), "scheduled");
    station.on_command(R"({"cmd":"reset","corr":"r2","hard":true,"connector":2})");
    EXPECT_EQ(json::serialize(last_frame().at(3)), R"({"type":"Immediate","evseId":2})");
}

TEST_F(Station201, GetBaseReportPartsAreAssembledIntoOneAnswer) {
    station.on_command(R"({"cmd":"get_configuration","corr":"c1","keys":[]})");
    ASSERT_EQ(last_frame().at(2).as_string(), "GetBaseReport");
    const std::int64_t request = last_frame().at(3).as_object().at("requestId").as_int64();
    station.on_frame(R"([3,")" + std::string(last_frame().at(1).as_string()) + R"(",{"status":"Accepted"}])");
    EXPECT_TRUE(io.of("ack").empty()) << "acked before the report came";
    const std::string rid = std::to_string(request);
    call("r1", "NotifyReport",
         R"({"requestId":)" + rid + R"(,"generatedAt":"2026-06-01T01:00:00Z","seqNo":0,"tbc":true,"reportData":[)"
         R"({"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"},"variableAttribute":[{"value":"30","mutability":"ReadWrite"}]}]})");
    call("r2", "NotifyReport",
         R"({"requestId":)" + rid + R"(,"generatedAt":"2026-06-01T01:00:00Z","seqNo":1,"reportData":[)"
         R"({"component":{"name":"EVSE","evse":{"id":1}},"variable":{"name":"Power"},"variableAttribute":[{"value":"22000","mutability":"ReadOnly"},{"type":"MaxSet","value":"1"}]}]})");
    ASSERT_EQ(io.of("ack").size(), 1u);
    const auto config = io.of("ack")[0].at("result").as_object().at("configuration").as_array();
    ASSERT_EQ(config.size(), 2u);
    EXPECT_EQ(config[0].as_object().at("key").as_string(), "OCPPCommCtrlr/HeartbeatInterval");
    EXPECT_EQ(config[0].as_object().at("readonly").as_bool(), false);
    EXPECT_EQ(config[1].as_object().at("key").as_string(), "EVSE@1/Power");
    EXPECT_EQ(config[1].as_object().at("value").as_string(), "22000");
    EXPECT_EQ(config[1].as_object().at("readonly").as_bool(), true);
}

TEST_F(Station201, SetConfigurationIsSetVariablesOnTheNamedComponent) {
    station.on_command(R"({"cmd":"set_configuration","corr":"c2","key":"EVSE[a]@1.2/Power[max]","value":"11000"})");
    EXPECT_EQ(last_frame().at(2).as_string(), "SetVariables");
    EXPECT_EQ(json::serialize(last_frame().at(3)),
              R"({"setVariableData":[{"attributeValue":"11000","component":{"evse":{"id":1,"connectorId":2},"name":"EVSE","instance":"a"},"variable":{"name":"Power","instance":"max"}}]})");
    station.on_frame(R"([3,")" + std::string(last_frame().at(1).as_string()) +
                     R"(",{"setVariableResult":[{"attributeStatus":"RebootRequired","component":{"name":"EVSE"},"variable":{"name":"Power"}}]}])");
    EXPECT_TRUE(io.of("ack").back().at("accepted").as_bool());
    EXPECT_EQ(io.of("ack").back().at("reason").as_string(), "reboot_required");
    station.on_command(R"({"cmd":"set_configuration","corr":"c3","key":"no-slash","value":"1"})");
    EXPECT_FALSE(io.of("ack").back().at("accepted").as_bool());
    EXPECT_EQ(io.of("ack").back().at("reason").as_string(), "unknown_key");
}

TEST_F(Station201, AProblemEventRaisesAndClearsAnAlarm) {
    call("n1", "NotifyEvent",
         R"({"generatedAt":"2026-06-01T01:00:00Z","seqNo":0,"eventData":[{"eventId":1,"timestamp":"2026-06-01T01:00:00Z","trigger":"Delta","actualValue":"true","component":{"name":"ConnectorPlugRetentionLock","evse":{"id":1}},"variable":{"name":"Problem"},"eventNotificationType":"HardWiredNotification","techCode":"E12"}]})");
    ASSERT_EQ(io.of("fault").size(), 1u);
    EXPECT_EQ(io.of("fault")[0].at("connector").as_int64(), 1);
    EXPECT_EQ(io.of("fault")[0].at("code").as_string(), "ConnectorPlugRetentionLock/Problem:E12");
    EXPECT_FALSE(io.of("fault")[0].at("cleared").as_bool());
    call("n2", "NotifyEvent",
         R"({"generatedAt":"2026-06-01T01:00:00Z","seqNo":1,"eventData":[{"eventId":2,"timestamp":"2026-06-01T01:00:00Z","trigger":"Delta","actualValue":"false","cleared":true,"component":{"name":"ConnectorPlugRetentionLock","evse":{"id":1}},"variable":{"name":"Problem"},"eventNotificationType":"HardWiredNotification","techCode":"E12"}]})");
    EXPECT_TRUE(io.of("fault")[1].at("cleared").as_bool());
}

TEST_F(Station201, AfterABootATransactionTheStationLostIsEndedAtItsLastReading) {
    start_remote(42);
    event("e1", "Updated", "T1", 1, "", "", energy(1700));
    call("b1", "BootNotification", R"({"reason":"PowerUp","chargingStation":{"model":"M1","vendorName":"Acme"}})");
    station.on_command(R"({"cmd":"boot_result","status":"accepted","heartbeat_s":30})");
    ASSERT_EQ(last_frame().at(2).as_string(), "GetTransactionStatus");
    EXPECT_EQ(last_frame().at(3).as_object().at("transactionId").as_string(), "T1");
    station.on_frame(R"([3,")" + std::string(last_frame().at(1).as_string()) +
                     R"(",{"ongoingIndicator":false,"messagesInQueue":false}])");
    const auto ended = io.of("tx").back();
    EXPECT_EQ(ended.at("event").as_string(), "ended");
    EXPECT_EQ(ended.at("meter_wh").as_int64(), 1700);
    EXPECT_EQ(ended.at("reason").as_string(), "reboot");
}

TEST_F(Station201, AfterABootATransactionWithQueuedMessagesWaitsForItsEnded) {
    start_remote(42);
    call("b1", "BootNotification", R"({"reason":"PowerUp","chargingStation":{"model":"M1","vendorName":"Acme"}})");
    station.on_command(R"({"cmd":"boot_result","status":"accepted","heartbeat_s":30})");
    station.on_frame(R"([3,")" + std::string(last_frame().at(1).as_string()) +
                     R"(",{"ongoingIndicator":false,"messagesInQueue":true}])");
    EXPECT_EQ(io.of("tx").back().at("event").as_string(), "started");
    event("e1", "Ended", "T1", 1, R"(,"stoppedReason":"PowerLoss")", R"(,"offline":true)",
          energy(2100, "Transaction.End"));
    EXPECT_EQ(io.of("tx").back().at("meter_wh").as_int64(), 2100);
    EXPECT_EQ(io.of("tx").back().at("reason").as_string(), "power_loss");
}

TEST_F(Station201, AnEndedThatCarriesAnIdTokenIsAnsweredWithItsStatus) {
    start_remote(42);
    event("e1", "Ended", "T1", 1, R"(,"stoppedReason":"Local")", R"(,"idToken":{"idToken":"KW-O42","type":"Central"})",
          energy(2500, "Transaction.End"));
    station.on_command(R"({"cmd":"tx_ack","tx_id":"T-T1","seq":2})");
    EXPECT_EQ(last_frame().at(1).as_string(), "e1");
    EXPECT_EQ(answer_payload().at("idTokenInfo").as_object().at("status").as_string(), "Accepted");
}

TEST_F(Station201, KeysThatNameNoVariableAreUnknownBesideTheVariablesRead) {
    station.on_command(R"({"cmd":"get_configuration","corr":"c1","keys":["OCPPCommCtrlr/HeartbeatInterval","no-slash"]})");
    ASSERT_EQ(last_frame().at(2).as_string(), "GetVariables");
    station.on_frame(R"([3,")" + std::string(last_frame().at(1).as_string()) +
                     R"(",{"getVariableResult":[{"attributeStatus":"Accepted","attributeValue":"30",)"
                     R"("component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}}]}])");
    const auto result = io.of("ack").back().at("result").as_object();
    EXPECT_EQ(json::serialize(result.at("unknown_keys")), R"(["no-slash"])");
    EXPECT_EQ(result.at("configuration").as_array().at(0).as_object().at("value").as_string(), "30");
}

// The edge makes a new Station for every connection: what binds the station's transactions to
// orders is kept per charger code in the edge's store (Settings::store), or a dropped connection
// lost every running session's binding (found by e2e TC_E_29_CSMS).
TEST(Station201Reconnect, ATransactionGoesOnOnTheStationsNextConnection) {
    Settings settings;  // one store, as the edge's config gives every connection
    RecordingIo first_io, second_io;
    {
        Station first("CS-1", first_io, settings);
        first.on_frame(R"([2,"e0","TransactionEvent",{"eventType":"Started","timestamp":"2026-06-01T01:00:00Z",)"
                       R"("triggerReason":"RemoteStart","seqNo":0,"transactionInfo":{"transactionId":"T1","remoteStartId":42},)"
                       R"("evse":{"id":1,"connectorId":1},"meterValue":[)" + energy(1000, "Transaction.Begin") + "]}]");
        ASSERT_EQ(first_io.of("tx").size(), 1u);
    }
    Station second("CS-1", second_io, settings);
    second.on_connected();
    ASSERT_FALSE(second_io.frames.empty());
    EXPECT_EQ(second_io.frames.back().at(2).as_string(), "GetTransactionStatus");
    second.on_frame(R"([3,")" + std::string(second_io.frames.back().at(1).as_string()) +
                    R"(",{"ongoingIndicator":true,"messagesInQueue":false}])");
    second.on_frame(R"([2,"e1","TransactionEvent",{"eventType":"Ended","timestamp":"2026-06-01T01:10:00Z",)"
                    R"("triggerReason":"StopAuthorized","seqNo":1,"transactionInfo":{"transactionId":"T1"},)"
                    R"("evse":{"id":1,"connectorId":1},"meterValue":[)" + energy(3000, "Transaction.End") + "]}]");
    const auto ended = second_io.of("tx").back();
    EXPECT_EQ(ended.at("event").as_string(), "ended");
    EXPECT_EQ(ended.at("order_id").as_int64(), 42);
    EXPECT_EQ(ended.at("meter_start_wh").as_int64(), 1000);
    EXPECT_EQ(ended.at("meter_wh").as_int64(), 3000);
    // Another station's connection shares nothing of it.
    RecordingIo other_io;
    Station other("CS-2", other_io, settings);
    other.on_connected();
    EXPECT_TRUE(other_io.frames.empty());
}

TEST_F(Station201, TheStationsClockIsMeasuredFromAnEventSentOnItsOwnAndGivenToTheCoreInHeartbeats) {
    call("h0", "Heartbeat", "{}");
    EXPECT_FALSE(io.of("heartbeat").back().contains("ts")) << "no measure yet";
    io.clock += 5000;  // the next event is sent on its own, 5 s after our last answer
    // The station's clock is 300 s ahead of ours (io.clock is 2026-06-01T01:00:05Z now).
    call("e0", "TransactionEvent",
         R"({"eventType":"Started","timestamp":"2026-06-01T01:05:05Z","triggerReason":"RemoteStart","seqNo":0,)"
         R"("transactionInfo":{"transactionId":"T1","remoteStartId":42},"evse":{"id":1,"connectorId":1},"meterValue":[)" +
             energy(1000, "Transaction.Begin", "2026-06-01T01:05:05Z") + "]}");
    const auto heartbeats = io.of("heartbeat");
    ASSERT_EQ(heartbeats.back().at("ts").as_string(), "2026-06-01T01:05:05.000Z");
    EXPECT_FALSE(io.of("meter").back().contains("queued")) << "a live reading: measured, not believed";
    io.clock += 30000;
    call("h1", "Heartbeat", "{}");
    EXPECT_EQ(io.of("heartbeat").back().at("ts").as_string(), "2026-06-01T01:05:35.000Z");
    // An event right after our answer may have waited (sent again): it is not a measure, it is queued.
    event("e1", "Updated", "T1", 1, "", "", energy(1100, "Sample.Periodic", "2026-06-01T01:00:00Z"));
    EXPECT_TRUE(io.of("meter").back().at("queued").as_bool());
    io.clock += 10000;
    call("h2", "Heartbeat", "{}");
    EXPECT_EQ(io.of("heartbeat").back().at("ts").as_string(), "2026-06-01T01:05:45.000Z");
}

// An edge that restarted mid-transaction lost what bound the station's transaction to its order:
// the core knows the order by the transaction's name (found by the fault suite's edge-crash: 11
// sessions billed short, 225 closed orders still charging).
TEST(Station201Restart, ATransactionTheEdgeDidNotSeeBeginGoesOnUnderItsNameAndIsStoppedByIt) {
    RecordingIo io;
    Station station("CS-1", io);  // a new edge: nothing kept
    station.on_frame(R"([2,"u5","TransactionEvent",{"eventType":"Updated","timestamp":"2026-06-01T01:00:00Z",)"
                     R"("triggerReason":"MeterValuePeriodic","seqNo":5,"offline":true,"transactionInfo":{"transactionId":"T1"},)"
                     R"("evse":{"id":2,"connectorId":1},"meterValue":[)" + energy(4000) + "]}]");
    ASSERT_EQ(io.of("meter").size(), 1u);
    EXPECT_EQ(io.of("meter")[0].at("tx_id").as_string(), "T-T1");
    EXPECT_EQ(io.of("meter")[0].at("connector").as_int64(), 2);
    EXPECT_TRUE(io.of("fault").empty()) << "no gap: the edge never saw the earlier events";
    // The driver stops: the core's stop names the transaction as the edge named it.
    station.on_command(R"({"cmd":"stop","corr":"o42-stop","connector":2,"order_id":42,"tx_id":"T-T1"})");
    ASSERT_EQ(io.frames.back().at(2).as_string(), "RequestStopTransaction");
    EXPECT_EQ(io.frames.back().at(3).as_object().at("transactionId").as_string(), "T1");
    station.on_frame(R"([3,")" + std::string(io.frames.back().at(1).as_string()) + R"(",{"status":"Accepted"}])");
    station.on_frame(R"([2,"e6","TransactionEvent",{"eventType":"Ended","timestamp":"2026-06-01T01:01:00Z",)"
                     R"("triggerReason":"RemoteStop","seqNo":6,"transactionInfo":{"transactionId":"T1","stoppedReason":"Remote"},)"
                     R"("meterValue":[)" + energy(4100, "Transaction.End") + "]}]");
    const auto ended = io.of("tx").back();
    EXPECT_EQ(ended.at("event").as_string(), "ended");
    EXPECT_EQ(ended.at("tx_id").as_string(), "T-T1");
    EXPECT_EQ(ended.at("order_id").as_int64(), 42);
    EXPECT_EQ(ended.at("connector").as_int64(), 2);
    EXPECT_EQ(ended.at("meter_wh").as_int64(), 4100);
    EXPECT_FALSE(ended.contains("meter_start_wh")) << "the start is the core's";
}

TEST(Station201Restart, AnEndedOfATransactionTheEdgeDidNotSeeNamesItForTheCore) {
    RecordingIo io;
    Station station("CS-1", io);
    station.on_frame(R"([2,"e3","TransactionEvent",{"eventType":"Ended","timestamp":"2026-06-01T01:01:00Z",)"
                     R"("triggerReason":"EVDeparted","seqNo":3,"transactionInfo":{"transactionId":"T7","stoppedReason":"EVDisconnected"},)"
                     R"("meterValue":[)" + energy(900, "Transaction.End") + "]}]");
    const auto ended = io.of("tx").back();
    EXPECT_EQ(ended.at("tx_id").as_string(), "T-T7");
    EXPECT_FALSE(ended.contains("order_id")) << "the core finds the order by the name";
    EXPECT_EQ(ended.at("connector").as_int64(), 0) << "the order's own connector";
    EXPECT_EQ(ended.at("reason").as_string(), "local");
}

TEST(Variable201, KeysRoundTrip) {
    for (const std::string key : {"OCPPCommCtrlr/HeartbeatInterval", "EVSE@1/Power", "EVSE[a]@1.2/Power[max]"}) {
        auto parsed = parse_variable_key(key);
        ASSERT_TRUE(parsed) << key;
        EXPECT_EQ(variable_key(parsed->first, parsed->second), key);
    }
    for (const std::string bad : {"", "/x", "x/", "a@/b", "a@1x/b", "a[/b", "a/b[]"})
        EXPECT_FALSE(parse_variable_key(bad)) << bad;
}

TEST(Reading201, UnitsAndMultipliersAreApplied) {
    auto r = reading_of(json::parse(
        R"({"timestamp":"2026-06-01T01:00:00Z","sampledValue":[{"value":1.5,"unitOfMeasure":{"unit":"kWh"}},)"
        R"({"value":7,"measurand":"Power.Active.Import","unitOfMeasure":{"unit":"W","multiplier":3}},)"
        R"({"value":80,"measurand":"SoC","location":"EV"}]})")
                            .as_object());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->energy_wh, 1500);
    EXPECT_EQ(r->power_w, 7000);
    EXPECT_EQ(r->soc, 80);
}

}  // namespace
}  // namespace kw::ocpp::v201
