#pragma once
// The use cases behind what chargers report (device/events.hpp), one function per event, each
// owning its SQL transaction. Protocol adapters (device/<protocol>/) parse their messages into the
// events and call these; nothing here knows which protocol the charger speaks. Worker threads
// only; one charger's events must arrive in order (the adapters run them on a strand per charger).
// Errors: kw::Error (bad_request for an event that cannot be applied, not_found for an unknown
// charger); nothing is changed then.
#include <cstdint>
#include <string>

#include <boost/json/object.hpp>

#include "app/context.hpp"
#include "device/events.hpp"
#include "store/charger_refs.hpp"

namespace kw::service {

// Records the boot, marks the charger online, closes sessions a reboot lost, answers BootAccepted.
void apply_boot(app::Context& ctx, const device::ChargerBooted& event);
void apply_heartbeat(app::Context& ctx, const device::Heartbeat& event);
void apply_connector_status(app::Context& ctx, const device::ConnectorStatusChanged& event);
// The hot path: live values to Redis, billing samples to SQL when due, limits and balance guard.
void apply_meter_sample(app::Context& ctx, const device::MeterSample& event);
// Applied once per (charger, tx_id, seq), then acknowledged (also when it was a repeat).
void apply_transaction_event(app::Context& ctx, const device::TransactionEvent& event);
void apply_command_ack(app::Context& ctx, const device::CommandAcknowledged& event);
void apply_fault(app::Context& ctx, const device::FaultReported& event);
void apply_connection_lost(app::Context& ctx, const device::ConnectionLost& event);

// The charger row for a code; throws kw::Error(not_found) ("unknown charger") if there is none.
store::ChargerRef known_charger(app::Context& ctx, const std::string& code);

// Publishes to charger:<code>, station:<id> (when known), with a connector connector:<code>:<n>,
// and (except meter samples) to the dashboard.
void push_charger_event(app::Context& ctx, const std::string& code, std::int64_t station_id, int connector,
                        const std::string& event, const boost::json::object& data);

}  // namespace kw::service
