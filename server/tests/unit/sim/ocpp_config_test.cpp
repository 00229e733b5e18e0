#include "ocpp_config.hpp"

#include <gtest/gtest.h>

namespace kw::sim::ocpp {
namespace {

using Change = ConfigStore::Change;

TEST(OcppConfigStore, GetWithoutKeysListsEveryCoreKeyWithItsValue) {
    ConfigStore c(2, 30, 10);
    std::vector<std::string> unknown;
    const auto all = c.get({}, unknown);
    EXPECT_TRUE(unknown.empty());
    auto find = [&](std::string_view name) {
        for (const auto& k : all)
            if (k.name == name) return k;
        ADD_FAILURE() << "no key " << name;
        return ConfigStore::Key{};
    };
    EXPECT_EQ(find("HeartbeatInterval").value, "30");
    EXPECT_EQ(find("MeterValueSampleInterval").value, "10");
    EXPECT_EQ(find("NumberOfConnectors").value, "2");
    EXPECT_TRUE(find("NumberOfConnectors").readonly);
    EXPECT_FALSE(find("AuthorizeRemoteTxRequests").readonly);
    EXPECT_EQ(find("MeterValuesSampledData").value, "Energy.Active.Import.Register,Power.Active.Import,SoC");
}

TEST(OcppConfigStore, GetReportsUnknownKeysAsAskedAndKnownOnesByCanonicalName) {
    ConfigStore c(1, 30, 10);
    std::vector<std::string> unknown;
    const auto got = c.get({"heartbeatinterval", "NoSuchKey"}, unknown);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].name, "HeartbeatInterval");
    EXPECT_EQ(unknown, (std::vector<std::string>{"NoSuchKey"}));
}

TEST(OcppConfigStore, ChangingAnUnknownKeyIsNotSupported) {
    ConfigStore c(1, 30, 10);
    EXPECT_EQ(c.change("NoSuchKey", "1"), Change::kNotSupported);
}

TEST(OcppConfigStore, ChangingAReadOnlyKeyIsRejectedAndKeepsItsValue) {
    ConfigStore c(2, 30, 10);
    EXPECT_EQ(c.change("NumberOfConnectors", "4"), Change::kRejected);
    EXPECT_EQ(c.integer("NumberOfConnectors"), 2);
}

TEST(OcppConfigStore, MeterValueSampleIntervalChangesTheMeterInterval) {
    ConfigStore c(1, 30, 10);
    EXPECT_EQ(c.change("MeterValueSampleInterval", "5"), Change::kAccepted);
    EXPECT_EQ(c.integer("MeterValueSampleInterval"), 5);
    EXPECT_EQ(c.change("MeterValueSampleInterval", "0"), Change::kAccepted);  // 0: no periodic samples
}

TEST(OcppConfigStore, AnIntegerKeyRejectsTextNegativesAndValuesOutOfRange) {
    ConfigStore c(1, 30, 10);
    EXPECT_EQ(c.change("HeartbeatInterval", "ten"), Change::kRejected);
    EXPECT_EQ(c.change("HeartbeatInterval", "-5"), Change::kRejected);
    EXPECT_EQ(c.change("HeartbeatInterval", "0"), Change::kRejected);
    EXPECT_EQ(c.change("HeartbeatInterval", "12.5"), Change::kRejected);
    EXPECT_EQ(c.integer("HeartbeatInterval"), 30);
    EXPECT_EQ(c.change("HeartbeatInterval", " 60 "), Change::kAccepted);
    EXPECT_EQ(c.text("HeartbeatInterval"), "60");
}

TEST(OcppConfigStore, ABooleanKeyTakesTrueOrFalseInAnyCase) {
    ConfigStore c(1, 30, 10);
    EXPECT_EQ(c.change("AuthorizeRemoteTxRequests", "TRUE"), Change::kAccepted);
    EXPECT_TRUE(c.boolean("AuthorizeRemoteTxRequests"));
    EXPECT_EQ(c.text("AuthorizeRemoteTxRequests"), "true");
    EXPECT_EQ(c.change("AuthorizeRemoteTxRequests", "yes"), Change::kRejected);
    EXPECT_TRUE(c.boolean("AuthorizeRemoteTxRequests"));
}

TEST(OcppConfigStore, SampledDataTakesOnlyMeasurandsTheChargerCanMeasure) {
    ConfigStore c(1, 30, 10);
    EXPECT_EQ(c.change("MeterValuesSampledData", "Energy.Active.Import.Register, Voltage"),
              Change::kAccepted);
    EXPECT_EQ(c.list("MeterValuesSampledData"),
              (std::vector<std::string>{"Energy.Active.Import.Register", "Voltage"}));
    EXPECT_EQ(c.change("MeterValuesSampledData", "Energy.Active.Import.Register,Temperature"),
              Change::kRejected);
    EXPECT_EQ(c.list("MeterValuesSampledData").size(), 2u);
    EXPECT_EQ(c.change("StopTxnSampledData", ""), Change::kAccepted);
    EXPECT_TRUE(c.list("StopTxnSampledData").empty());
}

TEST(OcppConfigStore, SampledDataHoldsAtMostMeterValuesSampledDataMaxLengthItems) {
    ConfigStore c(1, 30, 10);
    EXPECT_EQ(c.integer("MeterValuesSampledDataMaxLength"), 5);
    EXPECT_EQ(
        c.change("MeterValuesSampledData",
                 "Energy.Active.Import.Register,Power.Active.Import,SoC,Voltage,Current.Import,Voltage"),
        Change::kRejected);
}

TEST(OcppConfigStore, TheChargerItselfMaySetAReadOnlyOrAnyKey) {
    ConfigStore c(1, 30, 10);
    c.set("HeartbeatInterval", "5");
    EXPECT_EQ(c.integer("HeartbeatInterval"), 5);
    EXPECT_THROW(c.set("NoSuchKey", "1"), std::out_of_range);
}

TEST(OcppConfigStore, ChangeStatusesHaveTheirOcppNames) {
    EXPECT_EQ(change_status_name(Change::kAccepted), "Accepted");
    EXPECT_EQ(change_status_name(Change::kRejected), "Rejected");
    EXPECT_EQ(change_status_name(Change::kRebootRequired), "RebootRequired");
    EXPECT_EQ(change_status_name(Change::kNotSupported), "NotSupported");
}

}  // namespace
}  // namespace kw::sim::ocpp
