#pragma once
// kw-mqtt/1 correlation ids ("corr"): "o<order id>-<command>", e.g. "o42-start". Built when a
// command is formatted and parsed when its ack arrives; nothing outside device/mqtt sees the text.
#include <optional>
#include <string>
#include <string_view>

#include "device/events.hpp"

namespace kw::device::mqtt {

std::string correlation_id(const CommandId& id);
// nullopt for anything correlation_id() cannot have produced.
std::optional<CommandId> parse_correlation_id(std::string_view corr);

}  // namespace kw::device::mqtt
