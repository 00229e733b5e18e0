#pragma once
// OCPP timestamps as charge points really send them: RFC 3339 with "Z" or any offset, but also
// "+02" without minutes, "+0200", or no offset at all (taken as UTC, as SteVe does), with or without
// a fraction. Pure; any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kw::ocpp {

// Milliseconds since the Unix epoch, UTC; nullopt when the text is not such a timestamp.
std::optional<std::int64_t> parse_timestamp(std::string_view text);

// Before this (2010-01-01), a charge point's clock has not been set since it powered up (the 1970s
// of an RTC without battery): its times are replaced by the time the edge received them.
constexpr std::int64_t kClockNeverSetBefore = 1262304000000;

}  // namespace kw::ocpp

namespace kw::ocpp {
// "2026-06-01T01:00:00.250Z": what the edge writes, to the core and to charge points.
std::string format_time(std::int64_t ms);
}  // namespace kw::ocpp
