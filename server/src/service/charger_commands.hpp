#pragma once
// The operator's commands to a charger: reset, unlock, availability, configuration, trigger, clear
// cache, local authorisation lists (the ones OCPP chargers take; docs/ocpp.md). Each is a charger_commands row, sent with that
// row's id in its correlation id; the answer (reaching any instance) records the outcome there, and
// the sweeper marks a command no answer came for within kCommandTimeoutMs as "timeout". The console
// reads the row. Worker threads only.
#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "app/context.hpp"
#include "device/commands.hpp"
#include "service/paged.hpp"
#include "store/charger_commands_repo.hpp"

namespace kw::service {

inline constexpr std::int64_t kCommandTimeoutMs = 60'000;

// The longest configuration key (get_configuration keys, set_configuration key) a charger of
// `protocol` takes: OCPP 1.6's keys are CiString50; a 2.0.1 device-model variable is named
// "Component[instance]@evse.connector/Variable[instance]", four parts of up to 50 characters
// (ocpp/src/v201/commands.cpp).
inline constexpr std::size_t kMaxConfigurationKeyLength = 220;  // any protocol's
std::size_t max_configuration_key_length(const std::string& protocol);

// Records and sends `command` (its record_id is filled in) to the charger; `employee_id` 0: issued
// by Kilowatt itself (service/local_list.hpp), not audited. Throws kw::Error: not_found (no such
// charger), conflict (its protocol has no such command: kw-mqtt/1 chargers take none of these; a
// local list that cannot be made, service/local_list.hpp), bad_request (a configuration key longer
// than the charger's protocol allows), charger_offline.
store::ChargerCommandRow issue_charger_command(app::Context& ctx, std::int64_t employee_id, std::int64_t charger_id,
                                               device::Command command, const boost::json::object& params);
store::ChargerCommandRow find_charger_command(app::Context& ctx, std::int64_t charger_id, std::int64_t command_id);
Paged<store::ChargerCommandRow> list_charger_commands(app::Context& ctx, std::int64_t charger_id, std::int64_t limit,
                                                      std::int64_t offset);

// The charger's answer (service/charger_events.cpp hands it over).
void apply_operator_command_ack(app::Context& ctx, const device::CommandAcknowledged& ack);
// Commands unanswered for kCommandTimeoutMs become "timeout" (the sweeper).
void expire_charger_commands(app::Context& ctx, UtcMs now);

}  // namespace kw::service
