// MeterValues (and StopTransaction's transactionData): each MeterValue with an energy register becomes
// one kw-mqtt/1 `meter` sample, totalled as MeterTotals says (charge_point.hpp); a sampled value
// naming no measurand is the energy register; every context (Sample.Periodic, Sample.Clock,
// Transaction.Begin/End, Trigger, Interruption.*) counts alike; signed values (format SignedData)
// are skipped. Readings without an energy register are logged and dropped.
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <spdlog/spdlog.h>

#include "timestamp.hpp"
#include "v16/station.hpp"

namespace kw::ocpp::v16 {

namespace json = boost::json;

namespace {

std::string_view text(const json::object& o, const char* key, std::string_view fallback = "") {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string_view(v->as_string()) : fallback;
}

std::optional<double> number(std::string_view s) {
    double v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

}  // namespace

std::optional<Reading> reading_of(const json::object& meter_value) {
    MeterTotals totals;
    for (const auto& item : meter_value.at("sampledValue").as_array()) {
        const json::object& sv = item.as_object();
        if (text(sv, "format", "Raw") != "Raw") continue;
        auto value = number(text(sv, "value"));
        if (!value) continue;
        totals.add(text(sv, "measurand", "Energy.Active.Import.Register"), text(sv, "location", "Outlet"),
                   text(sv, "phase"), text(sv, "unit"), *value);
    }
    return totals.reading();
}

void Station::publish_meter(std::int64_t connector, const json::object& meter_value, const std::string& tx_id,
                            bool may_have_waited) {
    auto r = reading_of(meter_value);
    if (!r) {
        spdlog::info("event=ocpp_meter_without_register code={} connector={}", code_, connector);
        return;
    }
    const std::string ts = time_of(meter_value.if_contains("timestamp"), "meterValue.timestamp");
    json::object m = meter_message(connector, ts, *r, tx_id);
    // A reading that may have waited in the station's queue (it came right after our answer to its
    // previous CALL, or first on a connection, or in a StopTransaction, which is sent again until
    // answered) is marked queued: its time is believed, not taken as a measure of the station's clock
    // (found by the fault suite: after a net-cut, readings 10 s old flushed behind a StopTransaction
    // were taken for a clock 10 s behind, the next ones then stamped with their arrival and refused
    // as too fast, and the session's end clamped: 97 Wh billed of 136). One sent on its own was sent
    // when it was taken, however old its time: a clock minutes behind is measured, not believed
    // (mark_queued's minute would take every reading of such a station for one kept offline, and
    // its session's readings before its start were refused: 148 Wh billed of 153).
    if (may_have_waited) m["queued"] = true;
    if (auto t = parse_timestamp(ts); t && !may_have_waited) {
        const bool first = !clock_offset_;
        clock_offset_ = *t - io_.now();
        // The core measures a charger's clock from the ts of its heartbeats and, once it has, from
        // its readings: the first reading of a connection is preceded by a heartbeat with the
        // station's time, so this reading and every later one are measured (a clock that jumps
        // mid-session is followed at once), not believed until the station's next Heartbeat.
        if (first) publish_heartbeat();
    }
    io_.publish("meter", json::serialize(m), 0);
}

void Station::meter_values(const Call& call) {
    const json::object& p = call.payload.as_object();
    const std::int64_t connector = p.at("connectorId").as_int64();
    std::string tx_id;
    if (const auto* tx = p.if_contains("transactionId")) tx_id = std::to_string(tx->as_int64());
    constexpr UtcMs kSentOnItsOwnMs = 1000;
    const bool may_have_waited = last_answer_at_ == 0 || io_.now() - last_answer_at_ < kSentOnItsOwnMs;
    // Connector 0 is the charge point's main meter: no session bills from it.
    if (connector > 0)
        for (const auto& mv : p.at("meterValue").as_array())
            publish_meter(connector, mv.as_object(), tx_id, may_have_waited);
    answer(call.id, json::object{});
}

}  // namespace kw::ocpp::v16
