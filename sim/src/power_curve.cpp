#include "power_curve.hpp"

#include <algorithm>
#include <cmath>

namespace kw::sim {

double curve_power_w(const CurveParams& params, double soc_pct) {
    const double rated = params.rated_w;
    if (soc_pct >= 100.0) return 0.0;
    if (params.kind == ChargerKind::kAc) return rated;
    const double taper = std::clamp(params.taper_start_soc, 0.0, 99.0);
    if (soc_pct <= taper) return rated;
    const double x = (soc_pct - taper) / (100.0 - taper);  // 0 at taper start, 1 at full
    return rated * (1.0 - (1.0 - params.tail_fraction) * x);
}

double drawn_power_w(const CurveParams& params, double soc_pct, double noise, int limit_w) {
    double p = curve_power_w(params, soc_pct) * (1.0 + 0.01 * std::clamp(noise, -1.0, 1.0));
    p = std::min(p, static_cast<double>(params.rated_w));
    if (limit_w >= 0) p = std::min(p, static_cast<double>(limit_w));
    return std::max(p, 0.0);
}

StepResult advance(const CurveParams& params, EvState& ev, double dt_s, double noise, int limit_w) {
    StepResult result;
    double left = std::max(dt_s, 0.0);
    while (left > 1e-9 && ev.soc_pct < 100.0) {
        const double step = std::min(left, 1.0);
        const double p = drawn_power_w(params, ev.soc_pct, noise, limit_w);
        if (p <= 0.0) break;
        double energy = p * step / 3600.0;
        const double room_wh = (100.0 - ev.soc_pct) / 100.0 * params.battery_wh;
        if (energy >= room_wh) {
            energy = room_wh;
            ev.soc_pct = 100.0;
        } else {
            ev.soc_pct += energy / params.battery_wh * 100.0;
        }
        result.energy_wh += energy;
        left -= step;
    }
    result.full = ev.soc_pct >= 100.0;
    result.power_w =
        result.full ? 0 : static_cast<int>(std::lround(drawn_power_w(params, ev.soc_pct, noise, limit_w)));
    return result;
}

double voltage_v(const CurveParams& params, double soc_pct) {
    if (params.kind == ChargerKind::kAc) return 230.0;
    return 350.0 + 0.5 * std::clamp(soc_pct, 0.0, 100.0);
}

double current_a(const CurveParams& params, double power_w, double voltage) {
    if (voltage <= 0.0) return 0.0;
    const int phases = (params.kind == ChargerKind::kAc && params.rated_w > 7400) ? 3 : 1;
    return power_w / (voltage * phases);
}

void EnergyRegister::add(double energy_wh) {
    if (!(energy_wh > 0.0)) return;
    fraction_ += energy_wh;
    const double whole = std::floor(fraction_ + 1e-9);  // 1000 x 0.3 Wh is 300 Wh, not 299
    wh_ += static_cast<std::int64_t>(whole);
    fraction_ -= whole;
}

}  // namespace kw::sim
