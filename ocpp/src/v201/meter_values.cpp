// 2.0.1 meter values (MeterValues, and those inside TransactionEvent): each MeterValue with an energy
// register becomes one kw-mqtt/1 `meter` sample, totalled as for 1.6 (MeterTotals, charge_point.hpp),
// read from 2.0.1's form: numeric `value`, `unitOfMeasure` {unit, multiplier (a power of ten)}; every
// context alike; signed values count by their `value` (the signature is not checked). EVSE 0 is the
// station's main meter: no session bills from it.
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

}  // namespace

std::optional<Reading> reading_of(const json::object& meter_value) {
    MeterTotals totals;
    for (const auto& item : meter_value.at("sampledValue").as_array()) {
        const json::object& sv = item.as_object();
        const json::value& raw = sv.at("value");
        double value = raw.is_double() ? raw.as_double() : raw.is_int64() ? static_cast<double>(raw.as_int64()) : NAN;
        std::string_view unit;
        int multiplier = 0;
        if (const auto* u = sv.if_contains("unitOfMeasure")) {
            unit = text(u->as_object(), "unit");
            if (const auto* m = u->as_object().if_contains("multiplier")) multiplier = static_cast<int>(m->as_int64());
        }
        totals.add(text(sv, "measurand", "Energy.Active.Import.Register"), text(sv, "location", "Outlet"),
                   text(sv, "phase"), unit, value * std::pow(10.0, multiplier));
    }
    return totals.reading();
}

void Station::publish_meter(std::int64_t connector, const json::object& meter_value, const std::string& kw_tx_id,
                            bool queued) {
    auto r = reading_of(meter_value);
    if (!r) {
        spdlog::info("event=ocpp_meter_without_register code={} connector={}", code_, connector);
        return;
    }
    json::object m = meter_message(connector, time_of(meter_value.if_contains("timestamp"), "meterValue.timestamp"),
                                   *r, kw_tx_id);
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
        const bool waited = may_have_waited(false);
        for (const auto& mv : p.at("meterValue").as_array()) {
            if (!waited) measure_clock(time_of(mv.as_object().if_contains("timestamp"), "meterValue.timestamp"));
            publish_meter(evse, mv.as_object(), kw_tx_id, waited);
        }
    }
    answer(call.id, json::object{});
}

}  // namespace kw::ocpp::v201
