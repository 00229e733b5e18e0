#pragma once
// Who may subscribe to which WebSocket channel (ws/push.hpp lists them): staff to every channel; a
// driver to connector/charger/station channels (public live status) and to their own orders only.
#include <string>

#include "app/context.hpp"
#include "domain/principal.hpp"

namespace kw::service {

// "" if allowed, else an error code: "forbidden", "not_found" (unknown channel or order).
std::string authorize_channel(app::Context& ctx, const Principal& who, const std::string& channel);

}  // namespace kw::service
