#pragma once
// What every kw-mqtt/1 handler reads the same way: the charger's timestamp, clamped to the server's
// clock when it is far off.
#include <boost/json/object.hpp>

#include "app/context.hpp"

namespace kw::device::mqtt {

// "ts" of the payload; the server's time if absent, invalid, or more than 10 minutes off.
UtcMs message_time(app::Context& ctx, const boost::json::object& payload);

}  // namespace kw::device::mqtt
