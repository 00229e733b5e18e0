#pragma once
// OCPP 1.6 payloads as the simulated charge point builds them: its connector states as
// ChargePointStatus, simulator fault codes as ChargePointErrorCode, BootNotification, StatusNotification
// and MeterValue objects (Wh or kWh registers, the measurands MeterValuesSampledData names), and
// which RemoteStartTransaction a connector accepts. Pure functions, callable from any thread.
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connector.hpp"
#include "messages.hpp"

namespace kw::sim::ocpp {

// What the OCPP charge point keeps per connector besides the shared Connector.
struct OcppConnector {
    bool inoperative = false;            // ChangeAvailability Inoperative (kept across reboots)
    bool inoperative_scheduled = false;  // Inoperative once the running transaction ends
    bool ev_full = false;                // the EV stopped drawing: SuspendedEV until the driver unplugs
    std::string id_tag;                  // of the running (or starting) transaction
    int local_tx = 0;                    // the running transaction's local number (0: none)
    std::optional<std::int64_t> transaction_id;  // from the StartTransaction answer
    std::vector<std::string> ended_tags;  // id tags whose transaction ended here since boot, newest last
    bool authorizing = false;             // AuthorizeRemoteTxRequests: waiting for the Authorize answer
    std::string reported_status;          // the ChargePointStatus last reported (or due at the boot)
    // The error reported with its status (StatusNotification errorCode/vendorErrorCode/info):
    // an error-severity fault, or a warning/info one until it is cleared.
    std::string error_code = "NoError";
    std::string vendor_error_code;
    std::string info;
    // OCPP 2.0.1 (the station's own transaction): its transactionId, the next seqNo of its events,
    // the RequestStartTransaction's remoteStartId and idToken type, the chargingState last reported.
    std::string tx_uuid;
    std::int64_t seq_no = 0;
    std::optional<std::int64_t> remote_start_id;
    std::string id_token_type;
    std::string reported_charging_state;
};

inline constexpr std::size_t kEndedTagsKept = 16;

// ChargePointStatus of a connector: Available, Preparing, Charging, SuspendedEV (the EV is full),
// SuspendedEVSE (the charger's limit is 0), Finishing, Faulted, Unavailable.
std::string_view charge_point_status(const Connector& c, const OcppConnector& o);

// A simulator fault code (control `fault`) as a ChargePointErrorCode: one of the enumeration's
// names as is (any letter case); the simulator's snake_case names of the same faults
// (over_temperature -> HighTemperature, ground_fault -> GroundFailure, ...); anything else
// OtherError (the code then goes as vendorErrorCode).
std::string_view error_code_for_fault(std::string_view fault);

// Why a RemoteStartTransaction for `id_tag` is refused on this connector: "" when it may start,
// "already_running" when that tag's transaction runs here (a repeated start: Accepted, nothing new),
// otherwise "already_ended" (that tag's transaction ended here since boot), "faulted", "unavailable",
// "occupied" (a transaction, or an Authorize under way). All but "" and "already_running" are Rejected.
std::string remote_start_refusal(const Connector& c, const OcppConnector& o, std::string_view id_tag);
void remember_ended_tag(OcppConnector& o, std::string id_tag);

// The connector to start on when RemoteStartTransaction names none: the first that would accept
// the tag (1-based), nullopt when none does.
std::optional<int> pick_connector(const std::vector<Connector>& connectors,
                                  const std::vector<OcppConnector>& ocpp, std::string_view id_tag);

// Kilowatt's order tag "KW-O<n>" (docs/ocpp.md) -> n, for the status JSON; nullopt for any other tag.
std::optional<std::int64_t> order_of_tag(std::string_view id_tag);

// BootNotification.req; fields cut to the schema's lengths (vendor, model 20; firmware 50).
boost::json::object boot_notification(std::string_view vendor, std::string_view model,
                                      std::string_view firmware, std::string_view serial);

boost::json::object status_notification(int connector_id, std::string_view status, const OcppConnector* o,
                                        WallTime ts);

enum class EnergyUnit { kWh, kKWh };
// The register as the sampled value's text: "125431" (Wh) or "125.431" (kWh, 3 decimals).
std::string energy_text(std::int64_t wh, EnergyUnit unit);

// One reading of a connector, what a MeterValue is built from.
struct Sample {
    WallTime ts;
    std::int64_t energy_wh = 0;
    int power_w = 0;
    double voltage_v = 0.0;
    double current_a = 0.0;
    std::optional<int> soc;  // DC with a session only
};

// The measurands the simulator can sample (MeterValuesSampledData / StopTxnSampledData accept these).
bool supported_measurand(std::string_view measurand);

// One MeterValue {timestamp, sampledValue[]}: every measurand of `measurands` the sample has
// (SoC only when known), each with context, measurand, location Outlet (SoC: EV) and unit.
boost::json::object meter_value(const Sample& s, std::string_view context,
                                const std::vector<std::string>& measurands, EnergyUnit unit);

}  // namespace kw::sim::ocpp
