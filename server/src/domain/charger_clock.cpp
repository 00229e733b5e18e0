#include "domain/charger_clock.hpp"

#include <cstdlib>

namespace kw::domain {

UtcMs next_clock_offset(std::optional<UtcMs> in_use, UtcMs measured) {
    if (std::llabs(measured) <= kClockToleranceMs) return 0;
    if (in_use && std::llabs(measured - *in_use) <= kClockToleranceMs) return *in_use;
    return measured;
}

bool clock_skew_reported(UtcMs offset) { return std::llabs(offset) > kClockSkewReportedMs; }

UtcMs on_server_clock(UtcMs charger_at, std::optional<UtcMs> offset, UtcMs received, UtcMs handled) {
    if (charger_at == 0) return handled;
    const UtcMs t = charger_at - offset.value_or(0);  // both far below 2^62: a ts is at most year 9999
    if (std::llabs(t - received) > kClockBelievedMs) return handled;
    // A measured clock's offset includes the delay of the message it was measured on: a time a few
    // ms after the receive time is that, more is a jump. Neither can be later than the receive.
    if (offset && t > received) {
        // Far later, the event was recorded before the clock jumped back to where it is measured
        // now (a replay of a started event written while the clock was still right): its own time.
        if (t - received > kClockToleranceMs && charger_at <= received && received - charger_at <= kClockBelievedMs)
            return charger_at;
        return received;
    }
    return t;
}

UtcMs queued_on_server_clock(UtcMs charger_at, std::optional<UtcMs> offset, UtcMs received, UtcMs handled) {
    if (charger_at != 0) {
        const UtcMs t = charger_at - offset.value_or(0);
        if (t <= received && received - t <= kQueuedBelievedMs) return t;
    }
    return on_server_clock(charger_at, offset, received, handled);
}

}  // namespace kw::domain
