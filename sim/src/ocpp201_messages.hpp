#pragma once
// OCPP 2.0.1 payloads as the simulated charging station builds them (kilowatt-ocpp's mapping:
// ocpp/src/v201/station.hpp): BootNotification, StatusNotification (EVSE n = connector n, connector
// 1), TransactionEvent with its MeterValues (numeric values, unitOfMeasure), the 1.6 stop reasons the
// charger uses internally as 2.0.1 stoppedReason / triggerReason, transactionIds, the 1.6 CALLERROR
// names as 2.0.1 spells them, and a small device model (GetVariables / SetVariables / GetBaseReport)
// kept in the 1.6 ConfigStore: a 2.0.1 variable that means the same as a 1.6 key is that key.
// Pure functions, callable from any thread.
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connector.hpp"
#include "messages.hpp"
#include "ocpp_config.hpp"
#include "ocpp_messages.hpp"

namespace kw::sim::ocpp201 {

// BootNotification.req {reason, chargingStation {model, vendorName, firmwareVersion, serialNumber}};
// fields cut to the schema's lengths (model 20, vendorName 50, firmwareVersion 50, serialNumber 25).
boost::json::object boot_notification(std::string_view reason, std::string_view vendor,
                                      std::string_view model, std::string_view firmware,
                                      std::string_view serial);

// ConnectorStatusEnumType of a connector: Available, Occupied (a session, preparing, finishing),
// Faulted, Unavailable.
std::string_view connector_status(const Connector& c);
boost::json::object status_notification(int evse, std::string_view connector_status, WallTime ts);

// ChargingStateEnumType while a transaction runs: Charging, SuspendedEV (the EV is full), SuspendedEVSE
// (the charger's limit is 0), EVConnected (plugged, not charging), Idle.
std::string_view charging_state(const Connector& c, const ocpp::OcppConnector& o);

// The charger's stop reasons (the 1.6 names: Remote, Local, EVDisconnected, EmergencyStop, Reboot,
// SoftReset, HardReset, DeAuthorized, UnlockCommand) as ReasonEnumType and the Ended event's
// TriggerReasonEnumType.
std::string_view stopped_reason(std::string_view reason);
std::string_view ended_trigger(std::string_view reason);

// A transactionId in the form of a UUID (36 characters) from 128 random bits.
std::string transaction_id(std::uint64_t hi, std::uint64_t lo);

// One MeterValue {timestamp, sampledValue[]}: numeric values, each with context, measurand,
// location (SoC: EV) and unitOfMeasure (Wh, W, A, V, Percent).
boost::json::object meter_value(const ocpp::Sample& s, std::string_view context,
                                const std::vector<std::string>& measurands);

// One TransactionEvent.req.
struct TxEvent {
    std::string_view type;  // Started, Updated, Ended
    WallTime ts;
    std::string_view trigger;  // TriggerReasonEnumType
    std::int64_t seq_no = 0;
    std::string_view transaction_id;
    std::string_view charging_state;  // empty: none
    std::string_view stopped_reason;  // Ended only
    std::optional<std::int64_t> remote_start_id;
    int evse = 0;
    std::string_view id_token;  // empty: none
    std::string_view id_token_type;
    bool offline = false;
    std::optional<boost::json::object> meter_value;
};
boost::json::object transaction_event(const TxEvent& e);

// A 1.6 CALLERROR code as 2.0.1 spells it (FormationViolation -> FormatViolation,
// OccurenceConstraintViolation -> OccurrenceConstraintViolation); others as they are.
std::string_view error_code(std::string_view code_16);

// ---- the device model
struct StationInfo {
    int evses = 1;
    ChargerKind kind = ChargerKind::kDc;
    int rated_w = 0;
    std::string station_state;             // ChargingStation/AvailabilityState
    std::vector<std::string> evse_states;  // EVSE n/AvailabilityState, n = index + 1
};
// One variable: component {name, instance?, evse?}, variable {name, instance?}, its Actual value.
struct Variable {
    boost::json::object component;
    boost::json::object variable;
    std::string value;
    bool readonly = true;
    std::string config_key;  // the ConfigStore key that holds it; empty: a fixed or computed value
};
// Every variable of the station, the writable ones read from `config` (ocpp201_messages.cpp lists them).
std::vector<Variable> device_model(const ocpp::ConfigStore& config, const StationInfo& info);

// One GetVariableResult for one GetVariableData item (Accepted with attributeValue, UnknownComponent,
// UnknownVariable, NotSupportedAttributeType for an attributeType other than Actual).
boost::json::object get_variable(const std::vector<Variable>& model, const boost::json::object& item);
// One SetVariableResult for one SetVariableData item; a writable variable is changed in `config`
// (Accepted, or Rejected for a read-only variable or a bad value). `changed` gets the ConfigStore key
// that changed, if one did.
boost::json::object set_variable(const std::vector<Variable>& model, ocpp::ConfigStore& config,
                                 const boost::json::object& item, std::string& changed);

// The inventories GetBaseReport asks for: FullInventory all, ConfigurationInventory the writable
// variables, SummaryInventory the AvailabilityStates. nullopt: not a reportBase this station knows.
std::optional<std::vector<Variable>> report_variables(const std::vector<Variable>& model,
                                                      std::string_view report_base);
// The NotifyReport.req parts of a report: `parts` parts (fewer when there are fewer variables, at
// least 1), seqNo 0, 1, ..., tbc true on all but the last.
std::vector<boost::json::object> notify_reports(const std::vector<Variable>& variables,
                                                std::int64_t request_id, WallTime generated_at,
                                                int parts = 2);

}  // namespace kw::sim::ocpp201
