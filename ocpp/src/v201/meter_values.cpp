// 2.0.1 meter values (MeterValues, and those inside TransactionEvent): each MeterValue with an energy
// register becomes one kw-mqtt/1 `meter` sample, as for 1.6 (v16/meter_values.cpp), read from 2.0.1's
// form: numeric `value`, `unitOfMeasure` {unit, multiplier (a power of ten)}. Measurands read:
// Energy.Active.Import.Register (the default; Wh, kWh), Power.Active.Import (W, kW), Current.Import,
// Voltage, SoC; every context alike; a value per phase counts only when no total is given (energy and
// power summed, current the highest phase, voltage the mean). Signed values count by their `value`
// (the signature is not checked). EVSE 0 is the station's main meter: no session bills from it.
#include <boost/json/serialize.hpp>
#include <cmath>
#include <spdlog/spdlog.h>

#include "timestamp.hpp"
#include "v201/station.hpp"

namespace kw::ocpp::v201 {

namespace json = boost::json;

namespace {

std::string_view text(const json::object& o, const char* key, std::string_view fallback = "") {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string_view(v->as_string()) : fallback;
}

struct Measure {
    std::optional<double> total;
    std::vector<double> phases;
};

}  // namespace

std::optional<Reading> reading_of(const json::object& meter_value) {
    Measure energy, power, current, voltage, soc;
    for (const auto& item : meter_value.at("sampledValue").as_array()) {
        const json::object& sv = item.as_object();
        const json::value& raw = sv.at("value");
        double value = raw.is_double() ? raw.as_double() : raw.is_int64() ? static_cast<double>(raw.as_int64()) : NAN;
        if (!std::isfinite(value)) continue;
        const std::string_view measurand = text(sv, "measurand", "Energy.Active.Import.Register");
        const std::string_view location = text(sv, "location", "Outlet");
        std::string_view unit;
        int multiplier = 0;
        if (const auto* u = sv.if_contains("unitOfMeasure")) {
            unit = text(u->as_object(), "unit");
            if (const auto* m = u->as_object().if_contains("multiplier")) multiplier = static_cast<int>(m->as_int64());
        }
        value *= std::pow(10.0, multiplier);
        Measure* m = nullptr;
        double scale = 1;
        if (measurand == "SoC") {
            m = &soc;
        } else if (location == "EV") {
            continue;
        } else if (measurand == "Energy.Active.Import.Register") {
            m = &energy;
            scale = unit == "kWh" ? 1000 : 1;
        } else if (measurand == "Power.Active.Import") {
            m = &power;
            scale = unit == "kW" ? 1000 : 1;
        } else if (measurand == "Current.Import") {
            m = &current;
        } else if (measurand == "Voltage") {
            m = &voltage;
        } else {
            continue;
        }
        const double v = value * scale;
        const std::string_view phase = text(sv, "phase");
        if (phase.empty())
            m->total = v;
        else if (phase == "L1" || phase == "L2" || phase == "L3" || phase == "L1-N" || phase == "L2-N" ||
                 phase == "L3-N")
            m->phases.push_back(v);
    }
    auto sum = [](const Measure& m) -> std::optional<double> {
        if (m.total) return m.total;
        if (m.phases.empty()) return std::nullopt;
        double s = 0;
        for (double p : m.phases) s += p;
        return s;
    };
    const auto wh = sum(energy);
    if (!wh || *wh < 0 || *wh > 9.0e15) return std::nullopt;
    Reading r;
    r.energy_wh = std::llround(*wh);
    if (auto p = sum(power)) r.power_w = std::llround(*p);
    if (current.total || !current.phases.empty())
        r.current_a = current.total ? *current.total : *std::max_element(current.phases.begin(), current.phases.end());
    if (auto s = sum(voltage)) r.voltage_v = voltage.total ? *s : *s / static_cast<double>(voltage.phases.size());
    if (auto s = sum(soc)) r.soc = static_cast<int>(std::lround(*s));
    return r;
}

void Station::publish_meter(std::int64_t connector, const json::object& meter_value, const std::string& kw_tx_id,
                            bool queued) {
    auto r = reading_of(meter_value);
    if (!r) {
        spdlog::info("event=ocpp_meter_without_register code={} connector={}", code_, connector);
        return;
    }
    json::object m{{"connector", connector},
                   {"ts", time_of(meter_value.if_contains("timestamp"), "meterValue.timestamp")},
                   {"energy_wh", r->energy_wh}};
    if (r->power_w) m["power_w"] = *r->power_w;
    if (r->voltage_v) m["voltage_v"] = *r->voltage_v;
    if (r->current_a) m["current_a"] = *r->current_a;
    if (r->soc) m["soc"] = *r->soc;
    if (!kw_tx_id.empty()) m["tx_id"] = kw_tx_id;
    // Sent while offline (TransactionEvent offline, or an Ended, which the station keeps until
    // answered): its time is believed, not taken as a measure of the station's clock.
    if (queued) m["queued"] = true;
    io_.publish("meter", json::serialize(m), 0);
}

void Station::meter_values(const Call& call) {
    const json::object& p = call.payload.as_object();
    const std::int64_t evse = p.at("evseId").as_int64();
    if (evse > 0) {
        // The transaction running on the EVSE, if any, so the core bills the reading to it.
        std::string kw_tx_id;
        for (const auto& [id, tx] : transactions_)
            if (tx.connector == evse && !tx.ended && tx.order > 0) kw_tx_id = tx.kw_tx_id;
        for (const auto& mv : p.at("meterValue").as_array()) publish_meter(evse, mv.as_object(), kw_tx_id, false);
    }
    answer(call.id, json::object{});
}

}  // namespace kw::ocpp::v201
