#pragma once
// The use cases behind what chargers report (device/events.hpp), one function per event, each
// owning its SQL transaction. Protocol adapters (device/<protocol>/) parse their messages into the
// events and call these; nothing here knows which protocol the charger speaks. Worker threads
// only; one charger's events must arrive in order (the adapters run them on a strand per charger).
// Errors: kw::Error (bad_request for an event that cannot be applied, not_found for an unknown
// charger); nothing is changed then.
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "app/context.hpp"
#include "device/events.hpp"
#include "store/charger_refs.hpp"

namespace kw::service {

// Records the boot, marks the charger online, closes sessions a reboot lost, answers BootAccepted.
void apply_boot(app::Context& ctx, const device::ChargerBooted& event);
void apply_heartbeat(app::Context& ctx, const device::Heartbeat& event);
void apply_connector_status(app::Context& ctx, const device::ConnectorStatusChanged& event);
// What became of one meter sample of a batch.
struct MeterOutcome {
    // applied; stale: not after the session's last reading (without a session: the connector's
    // live values), nothing changed (a repeat, or an older one arriving late); refused: implausible
    // during a session (logged event=mqtt_rejected here), nothing changed.
    enum class Result { applied, stale, refused };
    Result result = Result::applied;
    // Set when the sample could not be applied (what apply_meter_sample would have thrown: kw::Error
    // for a sample that is invalid or before boot, or when Redis/SQL failed); nothing of it was logged.
    std::exception_ptr error;
};
// The hot path, for many samples at once (one charger's samples in the order it sent them): live
// values to Redis, billing samples to SQL when due, limits and balance guard. Each sample is judged
// exactly as if the samples had been applied one by one, but the batch costs two Redis reads, one
// Redis write pipeline, at most one SQL transaction. A bad sample fails alone; one outcome per sample.
std::vector<MeterOutcome> apply_meter_samples(app::Context& ctx, const std::vector<device::MeterSample>& samples);
// A batch of one; throws what its outcome's `error` holds.
void apply_meter_sample(app::Context& ctx, const device::MeterSample& event);
// Applied once per (charger, tx_id, seq), then acknowledged (also when it was a repeat).
void apply_transaction_event(app::Context& ctx, const device::TransactionEvent& event);
void apply_command_ack(app::Context& ctx, const device::CommandAcknowledged& event);
void apply_fault(app::Context& ctx, const device::FaultReported& event);
void apply_connection_lost(app::Context& ctx, const device::ConnectionLost& event);

// The charger of a code; throws kw::Error(not_found) ("unknown charger") if there is none.
store::ChargerKey known_charger(app::Context& ctx, const std::string& code);

// Publishes to charger:<code>, station:<id> (when known), with a connector connector:<code>:<n>,
// and (except meter samples) to the dashboard.
void push_charger_event(app::Context& ctx, const std::string& code, std::int64_t station_id, int connector,
                        const std::string& event, const boost::json::object& data);
// Whether anyone watches a channel push_charger_event would publish this event to: the meter path
// builds a sample's body only then.
bool charger_event_watched(app::Context& ctx, const std::string& code, std::int64_t station_id, int connector,
                           const std::string& event);

}  // namespace kw::service
