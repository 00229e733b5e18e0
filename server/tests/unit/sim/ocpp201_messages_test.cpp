#include "ocpp201_messages.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <regex>

namespace kw::sim::ocpp201 {
namespace {

namespace json = boost::json;

const WallTime w0 = WallTime{} + std::chrono::seconds(1'780'000'000);

TEST(Ocpp201Messages, BootNotificationCarriesTheReasonAndTheStationCutToSchemaLengths) {
    const auto p = boot_notification("PowerUp", "Kilowatt", "SIM-DC360-with-a-very-long-model", "0.1.0",
                                     "SIM-00001-0123456789-0123456789");
    EXPECT_EQ(p.at("reason").as_string(), "PowerUp");
    const auto& cs = p.at("chargingStation").as_object();
    EXPECT_EQ(cs.at("vendorName").as_string(), "Kilowatt");
    EXPECT_EQ(cs.at("model").as_string().size(), 20u);
    EXPECT_EQ(cs.at("firmwareVersion").as_string(), "0.1.0");
    EXPECT_EQ(cs.at("serialNumber").as_string().size(), 25u);
}

TEST(Ocpp201Messages, StatusNotificationNamesEvseNAndConnectorOne) {
    const auto p = status_notification(2, "Occupied", w0);
    EXPECT_EQ(p.at("evseId").as_int64(), 2);
    EXPECT_EQ(p.at("connectorId").as_int64(), 1);
    EXPECT_EQ(p.at("connectorStatus").as_string(), "Occupied");
    EXPECT_TRUE(p.contains("timestamp"));
}

TEST(Ocpp201Messages, AConnectorInUseIsOccupied) {
    Connector c;
    for (auto [status, want] : {std::pair{ConnectorStatus::kAvailable, "Available"},
                                {ConnectorStatus::kPreparing, "Occupied"},
                                {ConnectorStatus::kCharging, "Occupied"},
                                {ConnectorStatus::kSuspended, "Occupied"},
                                {ConnectorStatus::kFinishing, "Occupied"},
                                {ConnectorStatus::kFaulted, "Faulted"},
                                {ConnectorStatus::kUnavailable, "Unavailable"}}) {
        c.status = status;
        EXPECT_EQ(connector_status(c), want);
    }
}

TEST(Ocpp201Messages, StartedEventCarriesRemoteStartIdTheTokenAsReceivedTheEvseAndTheBeginRegister) {
    ocpp::Sample s;
    s.ts = w0;
    s.energy_wh = 1234567;
    TxEvent e;
    e.type = "Started";
    e.ts = w0;
    e.trigger = "RemoteStart";
    e.seq_no = 0;
    e.transaction_id = "0f1e2d3c-0000-4000-8000-000000000001";
    e.charging_state = "Charging";
    e.remote_start_id = 42;
    e.evse = 1;
    e.id_token = "KW-O42";
    e.id_token_type = "Central";
    e.meter_value = meter_value(s, "Transaction.Begin", {"Energy.Active.Import.Register"});
    const auto p = transaction_event(e);
    EXPECT_EQ(p.at("eventType").as_string(), "Started");
    EXPECT_EQ(p.at("seqNo").as_int64(), 0);
    EXPECT_EQ(p.at("triggerReason").as_string(), "RemoteStart");
    EXPECT_FALSE(p.contains("offline"));
    const auto& info = p.at("transactionInfo").as_object();
    EXPECT_EQ(info.at("transactionId").as_string(), e.transaction_id);
    EXPECT_EQ(info.at("remoteStartId").as_int64(), 42);
    EXPECT_EQ(info.at("chargingState").as_string(), "Charging");
    EXPECT_FALSE(info.contains("stoppedReason"));
    EXPECT_EQ(p.at("evse"), (json::object{{"id", 1}, {"connectorId", 1}}));
    EXPECT_EQ(p.at("idToken"), (json::object{{"idToken", "KW-O42"}, {"type", "Central"}}));
    const auto& sv = p.at("meterValue").at(0).at("sampledValue").at(0).as_object();
    EXPECT_EQ(sv.at("value").as_int64(), 1234567);
    EXPECT_EQ(sv.at("context").as_string(), "Transaction.Begin");
    EXPECT_EQ(sv.at("measurand").as_string(), "Energy.Active.Import.Register");
    EXPECT_EQ(sv.at("unitOfMeasure").at("unit").as_string(), "Wh");
}

TEST(Ocpp201Messages, AnEventMadeOfflineIsMarkedSoAndAnEmptyMeterValueIsLeftOut) {
    TxEvent e;
    e.type = "Ended";
    e.ts = w0;
    e.trigger = "StopAuthorized";
    e.seq_no = 7;
    e.transaction_id = "t";
    e.stopped_reason = "Local";
    e.offline = true;
    e.meter_value = json::object{{"timestamp", "x"}, {"sampledValue", json::array{}}};
    const auto p = transaction_event(e);
    EXPECT_TRUE(p.at("offline").as_bool());
    EXPECT_EQ(p.at("transactionInfo").at("stoppedReason").as_string(), "Local");
    EXPECT_FALSE(p.contains("meterValue"));
    EXPECT_FALSE(p.contains("idToken"));
    EXPECT_FALSE(p.contains("evse"));
}

TEST(Ocpp201Messages, MeterValuesAreNumbersWithTheirUnitSoCFromTheEv) {
    ocpp::Sample s;
    s.ts = w0;
    s.energy_wh = 5000;
    s.power_w = 60000;
    s.voltage_v = 399.96;
    s.current_a = 150.04;
    s.soc = 55;
    const auto mv = meter_value(
        s, "Sample.Periodic",
        {"Energy.Active.Import.Register", "Power.Active.Import", "Voltage", "Current.Import", "SoC"});
    const auto& values = mv.at("sampledValue").as_array();
    ASSERT_EQ(values.size(), 5u);
    EXPECT_EQ(values[1].at("value").as_int64(), 60000);
    EXPECT_EQ(values[1].at("unitOfMeasure").at("unit").as_string(), "W");
    EXPECT_DOUBLE_EQ(values[2].at("value").as_double(), 400.0);
    EXPECT_DOUBLE_EQ(values[3].at("value").as_double(), 150.0);
    EXPECT_EQ(values[4].at("value").as_int64(), 55);
    EXPECT_EQ(values[4].at("location").as_string(), "EV");
    EXPECT_EQ(values[4].at("unitOfMeasure").at("unit").as_string(), "Percent");
    s.soc.reset();
    EXPECT_EQ(meter_value(s, "Sample.Periodic", {"SoC"}).at("sampledValue").as_array().size(), 0u);
}

TEST(Ocpp201Messages, StopReasonsAreReasonEnumValuesWithTheirTriggers) {
    EXPECT_EQ(stopped_reason("Remote"), "Remote");
    EXPECT_EQ(ended_trigger("Remote"), "RemoteStop");
    EXPECT_EQ(stopped_reason("Local"), "Local");
    EXPECT_EQ(ended_trigger("Local"), "StopAuthorized");
    EXPECT_EQ(stopped_reason("EVDisconnected"), "EVDisconnected");
    EXPECT_EQ(stopped_reason("HardReset"), "ImmediateReset");
    EXPECT_EQ(stopped_reason("SoftReset"), "ImmediateReset");
    EXPECT_EQ(ended_trigger("ImmediateReset"), "ResetCommand");
    EXPECT_EQ(stopped_reason("EmergencyStop"), "EmergencyStop");
    EXPECT_EQ(ended_trigger("EmergencyStop"), "AbnormalCondition");
    EXPECT_EQ(stopped_reason("UnlockCommand"), "Other");  // not a 2.0.1 reason
}

TEST(Ocpp201Messages, TransactionIdsAreVersion4UuidsOf36Characters) {
    const std::string id = transaction_id(0x0123456789abcdefULL, 0xfedcba9876543210ULL);
    EXPECT_EQ(id.size(), 36u);
    EXPECT_TRUE(std::regex_match(
        id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
        << id;
    EXPECT_NE(id, transaction_id(0x0123456789abcdefULL, 0xfedcba9876543211ULL));
}

TEST(Ocpp201Messages, OneSixErrorNamesAreSpelledAs201SpellsThem) {
    EXPECT_EQ(error_code("FormationViolation"), "FormatViolation");
    EXPECT_EQ(error_code("OccurenceConstraintViolation"), "OccurrenceConstraintViolation");
    EXPECT_EQ(error_code("TypeConstraintViolation"), "TypeConstraintViolation");
}

json::object item(json::object component, json::object variable) {
    return json::object{{"component", std::move(component)}, {"variable", std::move(variable)}};
}

StationInfo two_evses() {
    StationInfo info;
    info.evses = 2;
    info.rated_w = 60000;
    info.station_state = "Available";
    info.evse_states = {"Occupied", "Available"};
    return info;
}

TEST(Ocpp201Messages, GetVariablesReadsTheConfigurationAndNamesWhatIsUnknown) {
    ocpp::ConfigStore config(2, 30, 10);
    const auto model = device_model(config, two_evses());
    auto r = get_variable(model, item({{"name", "SampledDataCtrlr"}}, {{"name", "TxUpdatedInterval"}}));
    EXPECT_EQ(r.at("attributeStatus").as_string(), "Accepted");
    EXPECT_EQ(r.at("attributeValue").as_string(), "10");
    EXPECT_EQ(r.at("component").at("name").as_string(), "SampledDataCtrlr");
    r = get_variable(model, item({{"name", "EVSE"}, {"evse", {{"id", 1}}}}, {{"name", "AvailabilityState"}}));
    EXPECT_EQ(r.at("attributeValue").as_string(), "Occupied");
    r = get_variable(model, item({{"name", "OCPPCommCtrlr"}},
                                 {{"name", "MessageAttempts"}, {"instance", "TransactionEvent"}}));
    EXPECT_EQ(r.at("attributeValue").as_string(), "3");
    r = get_variable(model, item({{"name", "NoSuchCtrlr"}}, {{"name", "X"}}));
    EXPECT_EQ(r.at("attributeStatus").as_string(), "UnknownComponent");
    EXPECT_FALSE(r.contains("attributeValue"));
    r = get_variable(model, item({{"name", "OCPPCommCtrlr"}}, {{"name", "NoSuchVariable"}}));
    EXPECT_EQ(r.at("attributeStatus").as_string(), "UnknownVariable");
    auto target = item({{"name", "OCPPCommCtrlr"}}, {{"name", "HeartbeatInterval"}});
    target["attributeType"] = "Target";
    EXPECT_EQ(get_variable(model, target).at("attributeStatus").as_string(), "NotSupportedAttributeType");
}

TEST(Ocpp201Messages, SetVariablesChangesTheConfigurationKeyAndRefusesReadOnlyOrBadValues) {
    ocpp::ConfigStore config(1, 30, 10);
    StationInfo info;
    info.evse_states = {"Available"};
    const auto model = device_model(config, info);
    auto set = item({{"name", "SampledDataCtrlr"}}, {{"name", "TxUpdatedInterval"}});
    set["attributeValue"] = "2";
    std::string changed;
    EXPECT_EQ(set_variable(model, config, set, changed).at("attributeStatus").as_string(), "Accepted");
    EXPECT_EQ(changed, "MeterValueSampleInterval");
    EXPECT_EQ(config.integer("MeterValueSampleInterval"), 2);
    changed.clear();
    set["attributeValue"] = "two";
    EXPECT_EQ(set_variable(model, config, set, changed).at("attributeStatus").as_string(), "Rejected");
    EXPECT_TRUE(changed.empty());
    auto ro =
        item({{"name", "Connector"}, {"evse", {{"id", 1}, {"connectorId", 1}}}}, {{"name", "ConnectorType"}});
    ro["attributeValue"] = "cType2";
    EXPECT_EQ(set_variable(model, config, ro, changed).at("attributeStatus").as_string(), "Rejected");
}

TEST(Ocpp201Messages, ABaseReportComesInTwoPartsTbcThenNotWithSeqNoZeroAndOne) {
    ocpp::ConfigStore config(2, 30, 10);
    const auto model = device_model(config, two_evses());
    const auto full = report_variables(model, "FullInventory");
    ASSERT_TRUE(full);
    const auto parts = notify_reports(*full, 9, w0);
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_TRUE(parts[0].at("tbc").as_bool());
    EXPECT_FALSE(parts[1].at("tbc").as_bool());
    EXPECT_EQ(parts[0].at("seqNo").as_int64(), 0);
    EXPECT_EQ(parts[1].at("seqNo").as_int64(), 1);
    EXPECT_EQ(parts[1].at("requestId").as_int64(), 9);
    std::size_t reported = 0;
    for (const auto& p : parts) reported += p.at("reportData").as_array().size();
    EXPECT_EQ(reported, model.size());
    const auto& first = parts[0].at("reportData").at(0).at("variableAttribute").at(0).as_object();
    EXPECT_EQ(first.at("type").as_string(), "Actual");
    EXPECT_EQ(first.at("mutability").as_string(), "ReadWrite");
    const auto config_only = report_variables(model, "ConfigurationInventory");
    ASSERT_TRUE(config_only);
    for (const auto& v : *config_only) EXPECT_FALSE(v.readonly);
    EXPECT_FALSE(report_variables(model, "NoSuchInventory"));
}

}  // namespace
}  // namespace kw::sim::ocpp201
