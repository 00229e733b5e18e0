#pragma once
// The last frames a protocol edge exchanged with each charger (the OCPP message log), for the
// maintainer looking into a charger: in Redis, kProtocolLogKeep per charger, kept a week after the
// last one. Live data, not a record: lost with Redis, as the live meter values are. Worker threads only.
#include <cstddef>
#include <vector>

#include "app/context.hpp"
#include "device/events.hpp"

namespace kw::service {

inline constexpr std::size_t kProtocolLogKeep = 200;

void append_protocol_log(app::Context& ctx, const device::ProtocolLog& log);
// Newest first.
std::vector<device::ProtocolLogEntry> protocol_log(app::Context& ctx, const std::string& code);

}  // namespace kw::service
