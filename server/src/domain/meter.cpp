#include "domain/meter.hpp"

#include <algorithm>
#include <limits>

#include "domain/money.hpp"

namespace kw::domain {

std::int64_t max_energy_wh(std::int64_t max_w, UtcMs elapsed_ms) {
    if (max_w <= 0) return 0;
    const UtcMs dt = std::max(elapsed_ms, kMeterMinIntervalMs);
    // W x ms x (100 + tolerance)% / (3600000 ms/h x 100): rounded up, so the allowance is never short.
    const __int128 w_ms = static_cast<__int128>(max_w) * dt;  // < 2^126: fits
    if (w_ms > static_cast<__int128>(INT64_MAX) * 3'600'000) return INT64_MAX;  // far beyond any register
    const __int128 num = w_ms * (100 + kMeterTolerancePercent);
    const __int128 den = static_cast<__int128>(3'600'000) * 100;
    const __int128 wh = (num + den - 1) / den + kMeterSlackWh;
    return wh > INT64_MAX ? INT64_MAX : static_cast<std::int64_t>(wh);
}

std::string_view to_string(MeterStep step) {
    switch (step) {
        case MeterStep::ok: return "ok";
        case MeterStep::backwards: return "meter_backwards";
        case MeterStep::too_fast: return "meter_above_max_power";
    }
    return "ok";
}

MeterStep check_meter_step(const Sample& last, const Sample& next, std::int64_t max_w) {
    if (next.wh < last.wh) return MeterStep::backwards;
    if (max_w > 0 && next.wh - last.wh > max_energy_wh(max_w, next.at - last.at)) return MeterStep::too_fast;
    return MeterStep::ok;
}

SessionEnds session_ends(const SessionFacts& f, const std::optional<Sample>& reported_start,
                         const Sample& reported_end) {
    SessionEnds out;
    out.end = reported_end;
    if (f.recorded_start) {
        out.start = f.recorded_start;
    } else if (reported_start) {
        out.start = Sample{std::max(reported_start->at, f.created_at), reported_start->wh};
    }
    // An end reported before the start or the last accepted reading is on a clock that is wrong for
    // this event (e.g. the charger's clock was set right again before its offset was measured anew):
    // it ended when the ended event arrived, if that is known and later; else at that earliest bound.
    constexpr UtcMs kNone = std::numeric_limits<UtcMs>::min();
    const UtcMs earliest =
        std::max(out.start ? out.start->at : kNone, f.last_accepted ? f.last_accepted->at : kNone);
    if (out.end.at < earliest) out.end.at = std::max(earliest, f.end_received_at);

    // The latest reading we trust bounds the end from above, over the longest the session can have
    // lasted: until the ended event was received, if that is later than the time it reports.
    const UtcMs latest_end = std::max(out.end.at, f.end_received_at);
    const std::optional<Sample> base = f.last_accepted ? f.last_accepted : f.recorded_start;
    if (base && f.max_w > 0) {
        const std::int64_t ceiling = checked_add(base->wh, max_energy_wh(f.max_w, latest_end - base->at), "meter reading");
        if (out.end.wh > ceiling) {
            out.end.wh = ceiling;
            out.end_lowered = true;
        }
    }
    // A start only the charger reported: the connector cannot have delivered more than max_w allows
    // between that start (at the earliest, the order's creation) and the end.
    if (out.start && !f.recorded_start && f.max_w > 0) {
        const std::int64_t floor = out.end.wh - max_energy_wh(f.max_w, latest_end - out.start->at);
        if (out.start->wh < floor) {
            out.start->wh = floor;
            out.start_raised = true;
        }
    }
    return out;
}

}  // namespace kw::domain
