#pragma once
// The simulated EV and charger electrics: pure functions of state of charge and time, no I/O,
// no clock. A connector's session owns one EvState and calls advance() with elapsed (simulated)
// seconds; callers pick the noise so tests stay deterministic.
#include <cstdint>

namespace kw::sim {

enum class ChargerKind { kAc, kDc };

struct CurveParams {
    ChargerKind kind = ChargerKind::kDc;
    int rated_w = 60000;
    double battery_wh = 60000.0;    // usable capacity of the simulated EV
    double taper_start_soc = 70.0;  // DC: full power below this SoC, then linear down to the tail
    double tail_fraction = 0.10;    // DC: fraction of rated power left at 100 % SoC
};

struct EvState {
    double soc_pct = 30.0;
};

struct StepResult {
    double energy_wh = 0.0;  // energy delivered during the step (never negative)
    int power_w = 0;         // power at the end of the step (0 once the EV is full)
    bool full = false;       // the EV reached 100 % SoC
};

// Power the EV would draw at `soc_pct` without noise or limit. AC: rated (constant until full).
// DC: rated until taper_start_soc, then linearly down to tail_fraction * rated at 100 %.
double curve_power_w(const CurveParams& params, double soc_pct);

// Curve power with relative noise (noise in [-1, 1] maps to -1 %..+1 %), capped at the rated power
// and at `limit_w` when limit_w >= 0.
double drawn_power_w(const CurveParams& params, double soc_pct, double noise, int limit_w);

// Integrates `dt_s` seconds of charging in steps of at most 1 s. SoC rises with energy over the
// battery capacity; the step ends early when 100 % is reached (then full = true).
StepResult advance(const CurveParams& params, EvState& ev, double dt_s, double noise, int limit_w);

// Plausible electrics for meter messages: DC ~ 350-400 V battery voltage rising with SoC; AC 230 V
// per phase, three phases above 7.4 kW rated.
double voltage_v(const CurveParams& params, double soc_pct);
double current_a(const CurveParams& params, double power_w, double voltage);

// Cumulative import register in whole Wh: fractions are carried, so the register grows by exactly
// the integrated energy (rounded down), never by rounding drift.
class EnergyRegister {
  public:
    EnergyRegister() = default;
    explicit EnergyRegister(std::int64_t start_wh) : wh_(start_wh) {}
    void add(double energy_wh);
    std::int64_t wh() const { return wh_; }

  private:
    std::int64_t wh_ = 0;
    double fraction_ = 0.0;
};

}  // namespace kw::sim
