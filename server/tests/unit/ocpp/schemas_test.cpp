// The official OCPP 1.6 and 2.0.1 schemas: every one of them compiles, valid payloads pass, and each
// kind of violation becomes the OCPP error code a CALLERROR needs, with the JSON path in its message.
#include "schemas.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace kw::ocpp {
namespace {

namespace json = boost::json;

const Schemas& v16() { return Schemas::of(Version::v16); }
const Schemas& v201() { return Schemas::of(Version::v201); }

// The schema file as it is in the repository, to count what it defines independently of Schemas.
json::array schema_file(const std::string& name) {
    std::ifstream in(std::string(KW_TEST_CASES) + "/../../../ocpp/schemas/" + name, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return json::parse(text.str()).as_array();
}

// Every action of a file has a .req and a .conf schema; returns the action names.
std::set<std::string> actions_in(const json::array& schemas) {
    std::set<std::string> requests, responses;
    for (const auto& schema : schemas) {
        const std::string id(schema.at("$id").as_string());
        const auto dot = id.rfind('.');
        (id.substr(dot) == ".req" ? requests : responses).insert(id.substr(4, dot - 4));
    }
    EXPECT_EQ(requests, responses);
    return requests;
}

// The violation, asserting there is one.
Violation violation(const std::optional<Violation>& result) {
    EXPECT_TRUE(result.has_value());
    return result.value_or(Violation{ErrorKind::generic, "valid"});
}

// ---- Loading ---------------------------------------------------------------------------------------

TEST(OcppSchemas, EveryOneSixSchemaCompilesAndEachOfItsThirtyNineActionsIsKnown) {
    const auto file = schema_file("ocpp1_6.json");
    EXPECT_EQ(file.size(), 78u);
    const auto actions = actions_in(file);
    EXPECT_EQ(actions.size(), 39u);
    for (const auto& action : actions) EXPECT_TRUE(v16().has_action(action)) << action;
}

TEST(OcppSchemas, EveryTwoZeroOneSchemaCompilesAndEachOfItsSixtyFourActionsIsKnown) {
    const auto file = schema_file("ocpp2_0_1.json");
    EXPECT_EQ(file.size(), 128u);
    const auto actions = actions_in(file);
    EXPECT_EQ(actions.size(), 64u);
    for (const auto& action : actions) EXPECT_TRUE(v201().has_action(action)) << action;
}

TEST(OcppSchemas, EachVersionIsCompiledOnceAndKeptApart) {
    EXPECT_EQ(&Schemas::of(Version::v16), &v16());
    EXPECT_NE(&Schemas::of(Version::v16), &Schemas::of(Version::v201));
    EXPECT_TRUE(v16().has_action("StartTransaction"));
    EXPECT_FALSE(v201().has_action("StartTransaction"));
    EXPECT_TRUE(v201().has_action("TransactionEvent"));
    EXPECT_FALSE(v16().has_action("TransactionEvent"));
}

TEST(OcppSchemas, ActionNamesAreCaseSensitive) {
    EXPECT_TRUE(v16().has_action("BootNotification"));
    EXPECT_FALSE(v16().has_action("bootnotification"));
    EXPECT_FALSE(v16().has_action("BootNotification.req"));
    EXPECT_FALSE(v16().has_action(""));
}

TEST(OcppSchemas, UnknownActionIsNotImplementedForRequestsAndResponses) {
    const auto request = violation(v16().check_request("Teleport", json::object{}));
    EXPECT_EQ(request.kind, ErrorKind::not_implemented);
    EXPECT_NE(request.message.find("Teleport"), std::string::npos) << request.message;
    EXPECT_EQ(violation(v201().check_response("Teleport", json::object{})).kind, ErrorKind::not_implemented);
}

TEST(OcppSchemas, MessageIsAtMostTwoHundredCharacters) {
    const std::string action(500, 'X');
    EXPECT_LE(violation(v16().check_request(action, json::object{})).message.size(), 200u);
    const json::value payload = {{"chargePointVendor", std::string(300, 'v')}, {"chargePointModel", "M"}};
    EXPECT_LE(violation(v16().check_request("BootNotification", payload)).message.size(), 200u);
}

// ---- OCPP 1.6 --------------------------------------------------------------------------------------

TEST(OcppSchemas16, BootNotificationWithVendorAndModelIsValid) {
    const auto payload = json::parse(R"({"chargePointVendor":"VendorX","chargePointModel":"Model-1",
        "firmwareVersion":"1.2.3","chargePointSerialNumber":"SN-42"})");
    EXPECT_EQ(v16().check_request("BootNotification", payload), std::nullopt);
}

TEST(OcppSchemas16, BootNotificationWithoutVendorIsAnOccurrenceViolation) {
    const auto v =
        violation(v16().check_request("BootNotification", json::parse(R"({"chargePointModel":"M"})")));
    EXPECT_EQ(v.kind, ErrorKind::occurrence);
    EXPECT_EQ(v.message, "$: Missing required property 'chargePointVendor'.");
}

TEST(OcppSchemas16, BootNotificationWithNumericVendorIsATypeViolation) {
    const auto payload = json::parse(R"({"chargePointVendor":42,"chargePointModel":"M"})");
    const auto v = violation(v16().check_request("BootNotification", payload));
    EXPECT_EQ(v.kind, ErrorKind::type);
    EXPECT_EQ(v.message.rfind("$.chargePointVendor: ", 0), 0u) << v.message;
}

TEST(OcppSchemas16, VendorLongerThanItsTwentyCharactersIsAPropertyViolation) {
    const json::value ok = {{"chargePointVendor", std::string(20, 'v')}, {"chargePointModel", "M"}};
    EXPECT_EQ(v16().check_request("BootNotification", ok), std::nullopt);
    const json::value too_long = {{"chargePointVendor", std::string(21, 'v')}, {"chargePointModel", "M"}};
    const auto v = violation(v16().check_request("BootNotification", too_long));
    EXPECT_EQ(v.kind, ErrorKind::property);
    EXPECT_EQ(v.message, "$.chargePointVendor: String should be no more than 20 characters in length.");
}

TEST(OcppSchemas16, StatusNotificationWithUnknownStatusIsAPropertyViolation) {
    const auto payload = json::parse(R"({"connectorId":1,"errorCode":"NoError","status":"Sleeping"})");
    const auto v = violation(v16().check_request("StatusNotification", payload));
    EXPECT_EQ(v.kind, ErrorKind::property);
    EXPECT_EQ(v.message.rfind("$.status: ", 0), 0u) << v.message;
    const auto known = json::parse(R"({"connectorId":1,"errorCode":"NoError","status":"Available"})");
    EXPECT_EQ(v16().check_request("StatusNotification", known), std::nullopt);
}

TEST(OcppSchemas16, EnumFieldHoldingANumberIsATypeViolationNotAnEnumMismatch) {
    const auto payload = json::parse(R"({"connectorId":1,"errorCode":"NoError","status":3})");
    EXPECT_EQ(violation(v16().check_request("StatusNotification", payload)).kind, ErrorKind::type);
}

TEST(OcppSchemas16, UnknownFieldIsAPropertyViolation) {
    const auto payload = json::parse(R"({"chargePointVendor":"V","chargePointModel":"M","colour":"red"})");
    const auto v = violation(v16().check_request("BootNotification", payload));
    EXPECT_EQ(v.kind, ErrorKind::property);
    EXPECT_NE(v.message.find("'colour'"), std::string::npos) << v.message;
}

TEST(OcppSchemas16, PayloadThatIsNotAnObjectIsATypeViolation) {
    EXPECT_EQ(violation(v16().check_request("Heartbeat", json::array{})).kind, ErrorKind::type);
    EXPECT_EQ(violation(v16().check_request("BootNotification", "VendorX")).kind, ErrorKind::type);
    EXPECT_EQ(violation(v16().check_request("BootNotification", nullptr)).kind, ErrorKind::type);
    EXPECT_EQ(v16().check_request("Heartbeat", json::object{}), std::nullopt);
}

TEST(OcppSchemas16, BootNotificationConfWithCurrentTimeIsAValidResponse) {
    const auto payload =
        json::parse(R"({"status":"Accepted","currentTime":"2024-05-01T12:00:00.000Z","interval":300})");
    EXPECT_EQ(v16().check_response("BootNotification", payload), std::nullopt);
}

TEST(OcppSchemas16, BootNotificationConfWithoutCurrentTimeIsAnOccurrenceViolation) {
    const auto payload = json::parse(R"({"status":"Accepted","interval":300})");
    const auto v = violation(v16().check_response("BootNotification", payload));
    EXPECT_EQ(v.kind, ErrorKind::occurrence);
    EXPECT_EQ(v.message, "$: Missing required property 'currentTime'.");
}

TEST(OcppSchemas16, RequestsAndResponsesAreCheckedAgainstTheirOwnSchema) {
    const auto request = json::parse(R"({"chargePointVendor":"V","chargePointModel":"M"})");
    EXPECT_EQ(v16().check_request("BootNotification", request), std::nullopt);
    EXPECT_TRUE(v16().check_response("BootNotification", request).has_value());
}

TEST(OcppSchemas16, CurrentTimeThatIsNoDateTimeIsAPropertyViolation) {
    const auto payload = json::parse(R"({"status":"Accepted","currentTime":"yesterday","interval":300})");
    const auto v = violation(v16().check_response("BootNotification", payload));
    EXPECT_EQ(v.kind, ErrorKind::property);
    EXPECT_EQ(v.message.rfind("$.currentTime: ", 0), 0u) << v.message;
}

// The edge reads the charge points' offset-less and "+0200" timestamps (timestamp.hpp); so does the check.
TEST(OcppSchemas16, TimestampsAreAcceptedAsTheEdgeReadsThem) {
    for (const auto* timestamp : {"2024-05-01T12:00:00Z", "2024-05-01T12:00:00.123+02:00",
                                  "2024-05-01T12:00:00", "2024-05-01T12:00:00+0200"}) {
        const json::value payload = {
            {"connectorId", 1}, {"errorCode", "NoError"}, {"status", "Available"}, {"timestamp", timestamp}};
        EXPECT_EQ(v16().check_request("StatusNotification", payload), std::nullopt) << timestamp;
    }
}

TEST(OcppSchemas16, TimestampOnAnImpossibleDayIsAPropertyViolation) {
    const json::value payload = {{"connectorId", 1},
                                 {"errorCode", "NoError"},
                                 {"status", "Available"},
                                 {"timestamp", "2024-02-30T12:00:00Z"}};
    const auto v = violation(v16().check_request("StatusNotification", payload));
    EXPECT_EQ(v.kind, ErrorKind::property);
    EXPECT_EQ(v.message, "$.timestamp: String should be a valid date-time");
}

// valijson 1.0's own format check would throw here (it reads the object as a string).
TEST(OcppSchemas16, DateTimeFieldHoldingAnObjectOrArrayIsATypeViolation) {
    const auto object = json::parse(R"({"status":"Accepted","currentTime":{"at":1},"interval":300})");
    EXPECT_EQ(violation(v16().check_response("BootNotification", object)).kind, ErrorKind::type);
    const auto array = json::parse(R"({"status":"Accepted","currentTime":[1],"interval":300})");
    EXPECT_EQ(violation(v16().check_response("BootNotification", array)).kind, ErrorKind::type);
}

// sampledValue has a property named "format": it must stay a property, not become the keyword.
TEST(OcppSchemas16, MeterValuesWithNestedSampledValuesIsValid) {
    const auto payload = json::parse(R"({"connectorId":1,"transactionId":7,"meterValue":[
        {"timestamp":"2024-05-01T12:00:00Z","sampledValue":[
            {"value":"1234.5","context":"Sample.Periodic","format":"Raw",
             "measurand":"Energy.Active.Import.Register","location":"Outlet","unit":"Wh"},
            {"value":"16.1","measurand":"Current.Import","phase":"L1","unit":"A"}]}]})");
    EXPECT_EQ(v16().check_request("MeterValues", payload), std::nullopt);
}

TEST(OcppSchemas16, ViolationDeepInMeterValuesNamesItsPathThroughTheArrays) {
    const auto payload = json::parse(R"({"connectorId":1,"meterValue":[
        {"timestamp":"2024-05-01T12:00:00Z","sampledValue":[
            {"value":"1"},{"value":"2","measurand":"Mood"}]}]})");
    const auto v = violation(v16().check_request("MeterValues", payload));
    EXPECT_EQ(v.kind, ErrorKind::property);
    EXPECT_EQ(v.message.rfind("$.meterValue[0].sampledValue[1].measurand: ", 0), 0u) << v.message;
}

TEST(OcppSchemas16, MeterValueWithoutSampledValueIsAnOccurrenceViolation) {
    const auto payload =
        json::parse(R"({"connectorId":1,"meterValue":[{"timestamp":"2024-05-01T12:00:00Z"}]})");
    const auto v = violation(v16().check_request("MeterValues", payload));
    EXPECT_EQ(v.kind, ErrorKind::occurrence);
    EXPECT_EQ(v.message, "$.meterValue[0]: Missing required property 'sampledValue'.");
}

json::value charging_profile(std::string_view limit) {
    return json::parse(fmt::format(R"({{"connectorId":1,"csChargingProfiles":{{"chargingProfileId":1,
        "stackLevel":0,"chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Relative",
        "chargingSchedule":{{"chargingRateUnit":"A","minChargingRate":6.0,
        "chargingSchedulePeriod":[{{"startPeriod":0,"limit":{}}}]}}}}}})",
                                   limit));
}

// valijson 1.0's own multipleOf would reject most of these (5.0 % 0.1 is not exactly 0 in binary).
TEST(OcppSchemas16, ChargingLimitsInTenthsAreMultiplesOfOneTenth) {
    for (const auto* limit : {"0", "6", "16.0", "32.3", "7.4", "2.3", "5.0", "63.9", "22000.1"})
        EXPECT_EQ(v16().check_request("SetChargingProfile", charging_profile(limit)), std::nullopt) << limit;
}

TEST(OcppSchemas16, ChargingLimitInHundredthsIsAPropertyViolation) {
    const auto v = violation(v16().check_request("SetChargingProfile", charging_profile("16.55")));
    EXPECT_EQ(v.kind, ErrorKind::property);
    EXPECT_EQ(v.message.rfind("$.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit: ", 0),
              0u)
        << v.message;
}

TEST(OcppSchemas16, ChargingLimitThatIsAStringIsATypeViolation) {
    EXPECT_EQ(violation(v16().check_request("SetChargingProfile", charging_profile(R"("16")"))).kind,
              ErrorKind::type);
}

// ---- OCPP 2.0.1 ------------------------------------------------------------------------------------

TEST(OcppSchemas201, BootNotificationWithChargingStationAndReasonIsValid) {
    const auto payload = json::parse(R"({"reason":"PowerUp","chargingStation":{"model":"Model-1",
        "vendorName":"VendorX","serialNumber":"SN-42","firmwareVersion":"1.2.3",
        "modem":{"iccid":"8931","imsi":"2620"}},"customData":{"vendorId":"kw","anything":[1,2]}})");
    EXPECT_EQ(v201().check_request("BootNotification", payload), std::nullopt);
}

TEST(OcppSchemas201, BootNotificationWithoutReasonIsAnOccurrenceViolation) {
    const auto payload = json::parse(R"({"chargingStation":{"model":"M","vendorName":"V"}})");
    const auto v = violation(v201().check_request("BootNotification", payload));
    EXPECT_EQ(v.kind, ErrorKind::occurrence);
    EXPECT_EQ(v.message, "$: Missing required property 'reason'.");
}

TEST(OcppSchemas201, ChargingStationWithoutVendorNameIsAnOccurrenceViolationAtItsPath) {
    const auto payload = json::parse(R"({"reason":"PowerUp","chargingStation":{"model":"M"}})");
    const auto v = violation(v201().check_request("BootNotification", payload));
    EXPECT_EQ(v.kind, ErrorKind::occurrence);
    EXPECT_EQ(v.message, "$.chargingStation: Missing required property 'vendorName'.");
}

TEST(OcppSchemas201, NumericModelIsATypeViolation) {
    const auto payload =
        json::parse(R"({"reason":"PowerUp","chargingStation":{"model":7,"vendorName":"V"}})");
    const auto v = violation(v201().check_request("BootNotification", payload));
    EXPECT_EQ(v.kind, ErrorKind::type);
    EXPECT_EQ(v.message.rfind("$.chargingStation.model: ", 0), 0u) << v.message;
}

TEST(OcppSchemas201, ModelLongerThanItsTwentyCharactersIsAPropertyViolation) {
    json::value payload = {{"reason", "PowerUp"},
                           {"chargingStation", {{"model", std::string(21, 'm')}, {"vendorName", "V"}}}};
    const auto v = violation(v201().check_request("BootNotification", payload));
    EXPECT_EQ(v.kind, ErrorKind::property);
    EXPECT_EQ(v.message, "$.chargingStation.model: String should be no more than 20 characters in length.");
}

TEST(OcppSchemas201, UnknownBootReasonAndConnectorStatusArePropertyViolations) {
    const auto boot = json::parse(R"({"reason":"Bored","chargingStation":{"model":"M","vendorName":"V"}})");
    EXPECT_EQ(violation(v201().check_request("BootNotification", boot)).kind, ErrorKind::property);
    const auto status = json::parse(
        R"({"timestamp":"2024-05-01T12:00:00Z","connectorStatus":"Sleeping","evseId":1,"connectorId":1})");
    const auto v = violation(v201().check_request("StatusNotification", status));
    EXPECT_EQ(v.kind, ErrorKind::property);
    EXPECT_EQ(v.message.rfind("$.connectorStatus: ", 0), 0u) << v.message;
}

TEST(OcppSchemas201, CustomDataWithoutVendorIdIsAnOccurrenceViolation) {
    const auto payload = json::parse(
        R"({"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V"},"customData":{}})");
    const auto v = violation(v201().check_request("BootNotification", payload));
    EXPECT_EQ(v.kind, ErrorKind::occurrence);
    EXPECT_EQ(v.message, "$.customData: Missing required property 'vendorId'.");
}

TEST(OcppSchemas201, BootNotificationResponseWithCurrentTimeIsValid) {
    const auto payload = json::parse(R"({"currentTime":"2024-05-01T12:00:00+02:00","interval":300,
        "status":"Pending","statusInfo":{"reasonCode":"Busy"}})");
    EXPECT_EQ(v201().check_response("BootNotification", payload), std::nullopt);
}

TEST(OcppSchemas201, BootNotificationResponseWithoutCurrentTimeIsAnOccurrenceViolation) {
    const auto payload = json::parse(R"({"interval":300,"status":"Accepted"})");
    const auto v = violation(v201().check_response("BootNotification", payload));
    EXPECT_EQ(v.kind, ErrorKind::occurrence);
    EXPECT_EQ(v.message, "$: Missing required property 'currentTime'.");
}

TEST(OcppSchemas201, TransactionEventStartedWithMeterValuesIsValid) {
    const auto payload = json::parse(R"({"eventType":"Started","timestamp":"2024-05-01T12:00:00.123Z",
        "triggerReason":"Authorized","seqNo":0,"offline":false,"numberOfPhasesUsed":3,"cableMaxCurrent":32,
        "transactionInfo":{"transactionId":"6f2c1b7e-0d7a-4a4e-9d55-1a1f6f0a9c3e","chargingState":"Charging",
                           "remoteStartId":12},
        "idToken":{"idToken":"04A2B3C4","type":"ISO14443"},
        "evse":{"id":1,"connectorId":1},
        "meterValue":[{"timestamp":"2024-05-01T12:00:00Z","sampledValue":[
            {"value":1234.5,"context":"Transaction.Begin","measurand":"Energy.Active.Import.Register",
             "unitOfMeasure":{"unit":"Wh","multiplier":0}},
            {"value":16,"measurand":"Current.Import","phase":"L1"}]}]})");
    EXPECT_EQ(v201().check_request("TransactionEvent", payload), std::nullopt);
}

TEST(OcppSchemas201, TransactionEventWithEmptySampledValueIsAnOccurrenceViolation) {
    const auto payload = json::parse(R"({"eventType":"Updated","timestamp":"2024-05-01T12:00:00Z",
        "triggerReason":"MeterValuePeriodic","seqNo":1,"transactionInfo":{"transactionId":"t1"},
        "meterValue":[{"timestamp":"2024-05-01T12:00:00Z","sampledValue":[]}]})");
    const auto v = violation(v201().check_request("TransactionEvent", payload));
    EXPECT_EQ(v.kind, ErrorKind::occurrence);
    EXPECT_EQ(v.message.rfind("$.meterValue[0].sampledValue: ", 0), 0u) << v.message;
}

TEST(OcppSchemas201, TransactionEventWithNumericTransactionIdIsATypeViolation) {
    const auto payload = json::parse(R"({"eventType":"Started","timestamp":"2024-05-01T12:00:00Z",
        "triggerReason":"Authorized","seqNo":0,"transactionInfo":{"transactionId":42}})");
    const auto v = violation(v201().check_request("TransactionEvent", payload));
    EXPECT_EQ(v.kind, ErrorKind::type);
    EXPECT_EQ(v.message.rfind("$.transactionInfo.transactionId: ", 0), 0u) << v.message;
}

// MeterValueType sits under "definitions" and is reached through $ref: its timestamp is checked too.
TEST(OcppSchemas201, MeterValueTimestampThatIsNoDateTimeIsAPropertyViolation) {
    const auto payload = json::parse(R"({"eventType":"Updated","timestamp":"2024-05-01T12:00:00Z",
        "triggerReason":"MeterValuePeriodic","seqNo":1,"transactionInfo":{"transactionId":"t1"},
        "meterValue":[{"timestamp":"noon","sampledValue":[{"value":1}]}]})");
    const auto v = violation(v201().check_request("TransactionEvent", payload));
    EXPECT_EQ(v.kind, ErrorKind::property);
    EXPECT_EQ(v.message, "$.meterValue[0].timestamp: String should be a valid date-time");
}

TEST(OcppSchemas201, NegativeEvPriceLevelIsAPropertyViolation) {
    const auto payload = json::parse(R"({"evseId":1,"chargingLimit":{"chargingLimitSource":"EMS"},
        "chargingSchedule":[{"id":1,"chargingRateUnit":"A",
            "chargingSchedulePeriod":[{"startPeriod":0,"limit":16}],
            "salesTariff":{"id":1,"salesTariffEntry":[
                {"relativeTimeInterval":{"start":0},"ePriceLevel":-1}]}}]})");
    const auto v = violation(v201().check_request("NotifyChargingLimit", payload));
    EXPECT_EQ(v.kind, ErrorKind::property);
    EXPECT_NE(v.message.find("ePriceLevel"), std::string::npos) << v.message;
}

}  // namespace
}  // namespace kw::ocpp
