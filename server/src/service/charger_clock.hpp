#pragma once
// Each charger's clock offset (domain/charger_clock.hpp), kept in its live hash so every instance
// applies the same one: measured from the boot, heartbeat and meter messages (sent as things
// happen), taken off every time the charger reports. An offset beyond a minute is logged (warn
// event=charger_clock_skew code=<code> offset_s=<charger minus server>) and shown as the charger's
// alarm `clock_skew`, cleared when its clock is right again (event=charger_clock_ok); smaller ones
// (a backlog of seconds looks like that too) only at debug level. Worker threads; the caller holds no
// SQL session (a change writes the alarm).
#include <optional>
#include <string>

#include "app/context.hpp"

namespace kw::service {

// Measures the clock from a message sent as it happened (charger_at: its ts, 0: none; received: when
// the server received it) against the offset in use (from the live hash), records a change, and
// returns the offset to apply now.
UtcMs measure_charger_clock(app::Context& ctx, const std::string& code, std::optional<UtcMs> in_use,
                            UtcMs charger_at, UtcMs received);

// A time the charger reported (0: none) on the server's clock (domain::on_server_clock) with the
// offset in use (the live record's, or charger_clock_offset; nullopt: never measured); received_at
// 0: now.
UtcMs on_server_clock(app::Context& ctx, std::optional<UtcMs> offset, UtcMs charger_at, UtcMs received_at);

// The offset in use for the charger (one Redis read; nullopt: never measured).
std::optional<UtcMs> charger_clock_offset(app::Context& ctx, const std::string& code);

}  // namespace kw::service
