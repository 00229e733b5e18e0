#include "ocpp_messages.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace kw::sim::ocpp {
namespace {

namespace json = boost::json;

Connector with_status(ConnectorStatus s) {
    Connector c;
    c.status = s;
    return c;
}

TEST(OcppChargePointStatus, EveryConnectorStateHasItsOcpp16Status) {
    OcppConnector o;
    EXPECT_EQ(charge_point_status(with_status(ConnectorStatus::kAvailable), o), "Available");
    EXPECT_EQ(charge_point_status(with_status(ConnectorStatus::kPreparing), o), "Preparing");
    EXPECT_EQ(charge_point_status(with_status(ConnectorStatus::kCharging), o), "Charging");
    EXPECT_EQ(charge_point_status(with_status(ConnectorStatus::kFinishing), o), "Finishing");
    EXPECT_EQ(charge_point_status(with_status(ConnectorStatus::kFaulted), o), "Faulted");
    EXPECT_EQ(charge_point_status(with_status(ConnectorStatus::kUnavailable), o), "Unavailable");
}

TEST(OcppChargePointStatus, SuspendedIsSuspendedEvWhenTheEvIsFullElseSuspendedEvse) {
    OcppConnector o;
    EXPECT_EQ(charge_point_status(with_status(ConnectorStatus::kSuspended), o), "SuspendedEVSE");
    o.ev_full = true;
    EXPECT_EQ(charge_point_status(with_status(ConnectorStatus::kSuspended), o), "SuspendedEV");
}

TEST(OcppErrorCode, FaultCodesMapToChargePointErrorCodesElseOtherError) {
    EXPECT_EQ(error_code_for_fault("HighTemperature"), "HighTemperature");
    EXPECT_EQ(error_code_for_fault("groundfailure"), "GroundFailure");
    EXPECT_EQ(error_code_for_fault("over_temperature"), "HighTemperature");
    EXPECT_EQ(error_code_for_fault("ground_fault"), "GroundFailure");
    EXPECT_EQ(error_code_for_fault("power_meter_failure"), "PowerMeterFailure");
    EXPECT_EQ(error_code_for_fault("ev_communication_error"), "EVCommunicationError");
    EXPECT_EQ(error_code_for_fault("gun_stuck"), "OtherError");
    EXPECT_EQ(error_code_for_fault("NoError"), "OtherError");  // a fault is never "no error"
}

TEST(OcppRemoteStart, AFreeConnectorAcceptsAndAnOccupiedFaultedOrInoperativeOneRefuses) {
    Connector c;
    OcppConnector o;
    EXPECT_EQ(remote_start_refusal(c, o, "KW-O1"), "");
    c.session = Session{};
    o.id_tag = "KW-O1";
    EXPECT_EQ(remote_start_refusal(c, o, "KW-O2"), "occupied");
    c.session.reset();
    o.id_tag.clear();
    c.fault = "HighTemperature";
    c.status = ConnectorStatus::kFaulted;
    EXPECT_EQ(remote_start_refusal(c, o, "KW-O2"), "faulted");
    c.fault.clear();
    c.status = ConnectorStatus::kUnavailable;
    o.inoperative = true;
    EXPECT_EQ(remote_start_refusal(c, o, "KW-O2"), "unavailable");
}

TEST(OcppRemoteStart, ARepeatForTheRunningTagStartsNothingNew) {
    Connector c;
    OcppConnector o;
    c.session = Session{};
    o.id_tag = "KW-O5";
    EXPECT_EQ(remote_start_refusal(c, o, "KW-O5"), "already_running");
}

TEST(OcppRemoteStart, ATagWhoseTransactionEndedSinceBootIsRefused) {
    Connector c;
    OcppConnector o;
    remember_ended_tag(o, "KW-O5");
    EXPECT_EQ(remote_start_refusal(c, o, "KW-O5"), "already_ended");
    EXPECT_EQ(remote_start_refusal(c, o, "KW-O6"), "");
}

TEST(OcppRemoteStart, OnlyTheLastSixteenEndedTagsAreRemembered) {
    OcppConnector o;
    for (int i = 0; i < 20; ++i) remember_ended_tag(o, "T" + std::to_string(i));
    EXPECT_EQ(o.ended_tags.size(), kEndedTagsKept);
    EXPECT_EQ(o.ended_tags.front(), "T4");
}

TEST(OcppRemoteStart, WithoutAConnectorIdTheFirstFreeConnectorIsPicked) {
    std::vector<Connector> cons(3);
    for (int i = 0; i < 3; ++i) cons[i].number = i + 1;
    std::vector<OcppConnector> ocpp(3);
    cons[0].session = Session{};
    ocpp[0].id_tag = "A";
    cons[1].fault = "x";
    EXPECT_EQ(pick_connector(cons, ocpp, "B"), 3);
    cons[2].session = Session{};
    ocpp[2].id_tag = "C";
    EXPECT_EQ(pick_connector(cons, ocpp, "B"), std::nullopt);
}

TEST(OcppOrderTag, KilowattOrderTagsGiveTheOrderIdOthersNothing) {
    EXPECT_EQ(order_of_tag("KW-O42"), 42);
    EXPECT_EQ(order_of_tag("KW-O042"), std::nullopt);
    EXPECT_EQ(order_of_tag("RFID-1234"), std::nullopt);
    EXPECT_EQ(order_of_tag("KW-O"), std::nullopt);
}

TEST(OcppBootNotification, FieldsAreCutToTheSchemaLengths) {
    const auto b = boot_notification("Kilowatt", "A-model-name-longer-than-twenty", "0.1.0", "SIM-00001");
    EXPECT_EQ(b.at("chargePointVendor").as_string(), "Kilowatt");
    EXPECT_EQ(b.at("chargePointModel").as_string().size(), 20u);
    EXPECT_EQ(b.at("firmwareVersion").as_string(), "0.1.0");
    EXPECT_EQ(b.at("chargePointSerialNumber").as_string(), "SIM-00001");
}

TEST(OcppStatusNotification, CarriesTheConnectorsErrorCodeAndVendorCode) {
    OcppConnector o;
    o.error_code = "OtherError";
    o.vendor_error_code = "gun_stuck";
    o.info = "simulated gun_stuck";
    const auto p = status_notification(2, "Faulted", &o, WallTime{} + std::chrono::seconds(1'780'000'000));
    EXPECT_EQ(p.at("connectorId").as_int64(), 2);
    EXPECT_EQ(p.at("status").as_string(), "Faulted");
    EXPECT_EQ(p.at("errorCode").as_string(), "OtherError");
    EXPECT_EQ(p.at("vendorErrorCode").as_string(), "gun_stuck");
    EXPECT_EQ(p.at("timestamp").as_string(), "2026-05-28T20:26:40.000Z");
    const auto plain = status_notification(0, "Available", nullptr, WallTime{});
    EXPECT_EQ(plain.at("errorCode").as_string(), "NoError");
    EXPECT_FALSE(plain.contains("vendorErrorCode"));
}

TEST(OcppEnergy, KwhHasExactlyThreeDecimalsOfTheWhRegister) {
    EXPECT_EQ(energy_text(125431, EnergyUnit::kWh), "125431");
    EXPECT_EQ(energy_text(125431, EnergyUnit::kKWh), "125.431");
    EXPECT_EQ(energy_text(5, EnergyUnit::kKWh), "0.005");
    EXPECT_EQ(energy_text(3000, EnergyUnit::kKWh), "3.000");
    EXPECT_EQ(energy_text(4'999'999'999, EnergyUnit::kKWh), "4999999.999");
}

TEST(OcppMeterValue, HasTheConfiguredMeasurandsWithUnitsContextAndLocation) {
    Sample s;
    s.ts = WallTime{} + std::chrono::seconds(1'780'000'000);
    s.energy_wh = 1234567;
    s.power_w = 59800;
    s.voltage_v = 380.5;
    s.current_a = 157.16;
    s.soc = 63;
    const auto mv =
        meter_value(s, "Sample.Periodic", {"Energy.Active.Import.Register", "Power.Active.Import", "SoC"},
                    EnergyUnit::kKWh);
    EXPECT_EQ(mv.at("timestamp").as_string(), "2026-05-28T20:26:40.000Z");
    const auto& values = mv.at("sampledValue").as_array();
    ASSERT_EQ(values.size(), 3u);
    EXPECT_EQ(values[0], json::parse(R"({"value":"1234.567","context":"Sample.Periodic","format":"Raw",
        "measurand":"Energy.Active.Import.Register","location":"Outlet","unit":"kWh"})"));
    EXPECT_EQ(values[1].at("value").as_string(), "59800");
    EXPECT_EQ(values[1].at("unit").as_string(), "W");
    EXPECT_EQ(values[2].at("value").as_string(), "63");
    EXPECT_EQ(values[2].at("location").as_string(), "EV");
    EXPECT_EQ(values[2].at("unit").as_string(), "Percent");
}

TEST(OcppMeterValue, SocIsLeftOutWhenTheChargerDoesNotKnowIt) {
    Sample s;
    s.energy_wh = 10;
    const auto mv = meter_value(s, "Transaction.End", {"Energy.Active.Import.Register", "SoC", "Voltage"},
                                EnergyUnit::kWh);
    const auto& values = mv.at("sampledValue").as_array();
    ASSERT_EQ(values.size(), 2u);
    EXPECT_EQ(values[0].at("value").as_string(), "10");
    EXPECT_EQ(values[0].at("unit").as_string(), "Wh");
    EXPECT_EQ(values[1].at("measurand").as_string(), "Voltage");
}

TEST(OcppMeterValue, OnlyMeasurandsTheSimulatorHasAreSupported) {
    EXPECT_TRUE(supported_measurand("Energy.Active.Import.Register"));
    EXPECT_TRUE(supported_measurand("Current.Import"));
    EXPECT_FALSE(supported_measurand("Temperature"));
    EXPECT_FALSE(supported_measurand("energy.active.import.register"));
}

}  // namespace
}  // namespace kw::sim::ocpp
