#pragma once
// How far a connector's meter register (cumulative Wh, reported by the charger) is believed. A
// register never goes backwards and cannot rise faster than the connector's rated power (max_w, set
// by staff, never by the charger): a step that does either is refused, so a charger cannot make the
// running estimate or the bill count energy twice or invent it. Pure functions; any thread.
#include <cstdint>
#include <optional>
#include <string_view>

#include "domain/clock.hpp"
#include "domain/tariff.hpp"

namespace kw::domain {

// Below this interval a step is allowed the energy of this interval: meters count whole Wh and
// chargers may send a burst of samples (status change, reconnect), so tiny intervals would be
// refused for rounding alone.
inline constexpr UtcMs kMeterMinIntervalMs = 10'000;
// Allowance above max_w for meter accuracy and clock jitter, plus one Wh of rounding.
inline constexpr std::int64_t kMeterTolerancePercent = 10;
inline constexpr std::int64_t kMeterSlackWh = 1;

// The most energy (Wh) a connector of max_w can deliver in elapsed_ms, tolerance included; an
// elapsed time below kMeterMinIntervalMs (or negative) counts as kMeterMinIntervalMs.
std::int64_t max_energy_wh(std::int64_t max_w, UtcMs elapsed_ms);

enum class MeterStep { ok, backwards, too_fast };
std::string_view to_string(MeterStep step);

// Judges the reading `next` against the last accepted reading `last`. max_w <= 0: unknown, only the
// direction is checked.
MeterStep check_meter_step(const Sample& last, const Sample& next, std::int64_t max_w);

// What is known of a session when its ended event arrives.
struct SessionFacts {
    UtcMs created_at = 0;                  // the order's creation: no session energy before it
    std::optional<Sample> recorded_start;  // from the started event
    std::optional<Sample> last_accepted;   // the latest persisted sample
    std::int64_t max_w = 0;                // the connector's; 0: unknown
    // When the ended event reached the server (its clock; 0: unknown): the session cannot have
    // ended later, so the ceiling on its energy counts until then. The reported end time is the
    // charger's clock corrected by its measured offset, which lags a clock that just jumped.
    UtcMs end_received_at = 0;
};

struct SessionEnds {
    std::optional<Sample> start;
    Sample end;
    bool start_raised = false;  // the reported start was lower than anything possible
    bool end_lowered = false;   // the reported end was higher than anything possible
};

// The start and end readings to bill with. The recorded start wins over the reported one; a
// reported start time before the order existed becomes the order's creation, and a reported start
// reading is raised to what the connector could at most have delivered until the end. The end is
// never earlier than the start or the last accepted sample, and its reading is lowered to what the
// connector could at most have delivered since the last known reading.
SessionEnds session_ends(const SessionFacts& facts, const std::optional<Sample>& reported_start,
                         const Sample& reported_end);

}  // namespace kw::domain
