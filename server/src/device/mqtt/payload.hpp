#pragma once
// Shared bits of the device message handlers: the charger's timestamp (clamped to the server's clock
// when it is far off), known-charger checks, and pushes of charger/connector events.
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "app/context.hpp"
#include "store/charger_refs.hpp"

namespace kw::device::mqtt {

// "ts" of the payload; the server's time if absent, invalid, or more than 10 minutes off.
UtcMs message_time(app::Context& ctx, const boost::json::object& payload);

// The charger row for a code; throws kw::Error(not_found) ("unknown charger") if there is none.
store::ChargerRef known_charger(app::Context& ctx, const std::string& code);

// Publishes to charger:<code>, station:<id> (when known) and, with a connector, connector:<code>:<n>.
void push_charger_event(app::Context& ctx, const std::string& code, std::int64_t station_id, int connector,
                        const std::string& event, const boost::json::object& data);

}  // namespace kw::device::mqtt
