#include "power_curve.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace kw::sim {
namespace {

CurveParams dc60() { return CurveParams{ChargerKind::kDc, 60000, 60000.0, 70.0, 0.10}; }
CurveParams ac7() { return CurveParams{ChargerKind::kAc, 7000, 60000.0, 70.0, 0.10}; }

TEST(PowerCurve, DcDeliversRatedPowerBelowTaperStart) {
    EXPECT_DOUBLE_EQ(curve_power_w(dc60(), 10.0), 60000.0);
    EXPECT_DOUBLE_EQ(curve_power_w(dc60(), 70.0), 60000.0);
}

TEST(PowerCurve, DcTapersLinearlyToTenPercentAtFull) {
    EXPECT_NEAR(curve_power_w(dc60(), 85.0), 60000.0 * (1.0 - 0.9 * 0.5), 1e-6);
    EXPECT_NEAR(curve_power_w(dc60(), 99.999), 6000.0, 2.0);
    EXPECT_GT(curve_power_w(dc60(), 80.0), curve_power_w(dc60(), 90.0));
}

TEST(PowerCurve, NoPowerOnceFull) {
    EXPECT_EQ(curve_power_w(dc60(), 100.0), 0.0);
    EXPECT_EQ(curve_power_w(ac7(), 100.0), 0.0);
}

TEST(PowerCurve, AcIsConstantAtRatedPower) {
    EXPECT_DOUBLE_EQ(curve_power_w(ac7(), 20.0), 7000.0);
    EXPECT_DOUBLE_EQ(curve_power_w(ac7(), 95.0), 7000.0);
}

TEST(PowerCurve, NoiseIsSmallAndNeverExceedsRated) {
    EXPECT_DOUBLE_EQ(drawn_power_w(ac7(), 50.0, 1.0, -1), 7000.0);
    EXPECT_NEAR(drawn_power_w(ac7(), 50.0, -1.0, -1), 6930.0, 1e-6);
    EXPECT_NEAR(drawn_power_w(dc60(), 85.0, 1.0, -1), 33000.0 * 1.01, 1e-6);
}

TEST(PowerCurve, LimitCapsDrawnPower) {
    EXPECT_DOUBLE_EQ(drawn_power_w(dc60(), 30.0, 0.0, 22000), 22000.0);
    EXPECT_DOUBLE_EQ(drawn_power_w(dc60(), 30.0, 0.0, 0), 0.0);
}

TEST(PowerCurve, AdvanceOneHourOfAcAddsRatedEnergyAndSoc) {
    EvState ev{20.0};
    const StepResult r = advance(ac7(), ev, 3600.0, 0.0, -1);
    EXPECT_NEAR(r.energy_wh, 7000.0, 1e-6);
    EXPECT_NEAR(ev.soc_pct, 20.0 + 7000.0 / 60000.0 * 100.0, 1e-9);
    EXPECT_FALSE(r.full);
    EXPECT_EQ(r.power_w, 7000);
}

TEST(PowerCurve, AdvanceStopsExactlyAtFullCapacity) {
    EvState ev{95.0};
    const StepResult r = advance(dc60(), ev, 10 * 3600.0, 0.0, -1);
    EXPECT_TRUE(r.full);
    EXPECT_DOUBLE_EQ(ev.soc_pct, 100.0);
    EXPECT_NEAR(r.energy_wh, 0.05 * 60000.0, 1e-6);  // exactly the 5 % that was missing
    EXPECT_EQ(r.power_w, 0);
}

TEST(PowerCurve, DcChargeFromEmptyTakesLongerThanAtRatedPower) {
    EvState ev{0.0};
    double t = 0.0;
    while (!advance(dc60(), ev, 60.0, 0.0, -1).full) t += 60.0;
    // At a constant 60 kW a 60 kWh battery fills in 3600 s; the taper makes it clearly slower.
    EXPECT_GT(t, 3600.0 * 1.2);
    EXPECT_LT(t, 3600.0 * 3.0);
}

TEST(PowerCurve, SuspendedSessionAddsNoEnergy) {
    EvState ev{40.0};
    const StepResult r = advance(dc60(), ev, 600.0, 0.0, 0);
    EXPECT_EQ(r.energy_wh, 0.0);
    EXPECT_EQ(ev.soc_pct, 40.0);
}

TEST(EnergyRegister, GrowsByExactlyTheIntegratedEnergy) {
    EnergyRegister reg(125000);
    for (int i = 0; i < 1000; ++i) reg.add(0.3);  // 300 Wh in small steps
    EXPECT_EQ(reg.wh(), 125300);
    reg.add(0.7);
    EXPECT_EQ(reg.wh(), 125300);  // 300.7 Wh so far: the fraction is carried, not rounded up
    reg.add(0.3);
    EXPECT_EQ(reg.wh(), 125301);
}

TEST(EnergyRegister, IgnoresNegativeEnergy) {
    EnergyRegister reg(10);
    reg.add(-5.0);
    EXPECT_EQ(reg.wh(), 10);
}

TEST(Electrics, CurrentFollowsPowerOverVoltage) {
    EXPECT_NEAR(current_a(ac7(), 6900.0, voltage_v(ac7(), 50.0)), 30.0, 1e-9);
    CurveParams ac22{ChargerKind::kAc, 22000};
    EXPECT_NEAR(current_a(ac22, 22080.0, 230.0), 32.0, 1e-9);  // three phases
    EXPECT_NEAR(voltage_v(dc60(), 100.0), 400.0, 1e-9);
}

}  // namespace
}  // namespace kw::sim
