#pragma once
// How far a charger's clock is believed. Chargers' clocks can be minutes wrong (no NTP, a reset
// RTC); the server measures each charger's offset from the messages it sends as things happen
// (boot, heartbeat, meter: offset = the message's ts - its receive time, positive when the charger's
// clock is ahead) and puts every time the charger reports on the server's clock, so order times,
// billing intervals, tariff periods and the meter checks do not depend on the charger's clock.
// Pure functions; any thread.
#include <optional>

#include "domain/clock.hpp"

namespace kw::domain {

// Network and queueing delay, and ordinary drift, are not skew: an offset within this is taken as 0,
// and a measurement within this of the offset in use does not change it (no flapping).
inline constexpr UtcMs kClockToleranceMs = 5'000;
// An offset beyond this is a wrong clock worth telling the operator about (a warning, an alarm).
// Below it the offset is applied all the same, silently: a server or broker that is seconds behind
// its messages (a flood) looks like a charger seconds behind, which is not the charger's fault.
inline constexpr UtcMs kClockSkewReportedMs = 60'000;
bool clock_skew_reported(UtcMs offset);
// A reported time still further than this from the receive time after the correction (a charger
// whose clock was never measured, a garbled ts) is replaced by the receive time.
inline constexpr UtcMs kClockBelievedMs = 10 * 60 * 1000;

// The offset to use after one more measurement `measured` (ts of a message sent as it happened -
// its receive time), given the offset in use (nullopt: never measured).
UtcMs next_clock_offset(std::optional<UtcMs> in_use, UtcMs measured);

// A time the charger reported (0: it sent none) on the server's clock: the charger's offset
// (nullopt: never measured, taken as 0) taken off. When a measured clock puts it after `received`
// (when the message reached the server): the receive time; the clock jumped since it was last
// measured, or the measurement's own delay shows (a message cannot come from the future; a replay
// can come from the past). When it sent none, or the result is implausible (kClockBelievedMs):
// `handled`, when the server handles the message (its place among the charger's other messages).
UtcMs on_server_clock(UtcMs charger_at, std::optional<UtcMs> offset, UtcMs received, UtcMs handled);

// How far back the time of a message the charger kept while offline (marked `queued`) is believed:
// a week of a charger cut off from the network.
inline constexpr UtcMs kQueuedBelievedMs = 7LL * 24 * 3600 * 1000;
// The time of such a message: corrected by the offset in use (if measured), believed when it lies
// in the past within kQueuedBelievedMs of its receipt; otherwise as on_server_clock.
UtcMs queued_on_server_clock(UtcMs charger_at, std::optional<UtcMs> offset, UtcMs received, UtcMs handled);

}  // namespace kw::domain
