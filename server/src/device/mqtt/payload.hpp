#pragma once
// What every kw-mqtt/1 handler reads the same way: the charger's timestamp.
#include <boost/json/object.hpp>

#include "domain/clock.hpp"

namespace kw::device::mqtt {

// "ts" of the payload as the charger's clock has it; 0 if absent or not a valid time. The service
// puts it on the server's clock (domain/charger_clock.hpp).
UtcMs reported_time(const boost::json::object& payload);

}  // namespace kw::device::mqtt
