#pragma once
// What a charger tells the server, whatever protocol it speaks. A protocol adapter
// (device/<protocol>/) parses and validates its own messages into these structs and calls the use
// case in service/charger_events.hpp; nothing here knows MQTT, OCPP or JSON. Values, any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include <string_view>

#include "domain/clock.hpp"

namespace kw::device {

// The charger (by its code) every event comes from. Every `at` is the charger's clock as it
// reported it (0: it sent no time): the service measures that clock from the events sent as things
// happen and puts every time on the server's clock (domain/charger_clock.hpp).
struct ChargerBooted {
    std::string code;
    std::string boot_id;  // new at every power-up: a change while sessions run means they were lost
    std::string vendor, model, firmware;
    UtcMs at = 0;
    // When the server received it, before any queueing (0: when handled): a time it sent none of, and
    // the reference its clock is measured against.
    UtcMs received_at = 0;
};

struct Heartbeat {
    std::string code;
    UtcMs at = 0;
    UtcMs received_at = 0;
};

enum class ConnectorStatus { available, preparing, charging, suspended, finishing, faulted, unavailable };
std::string_view to_string(ConnectorStatus status);
// nullopt for a name that is not one of the statuses above.
std::optional<ConnectorStatus> connector_status_from_string(std::string_view text);

struct ConnectorStatusChanged {
    std::string code;
    int connector = 0;
    ConnectorStatus status = ConnectorStatus::available;
    UtcMs at = 0;
    UtcMs received_at = 0;
};

// A reading of a connector's cumulative energy register (and what else the charger measured).
struct MeterSample {
    std::string code;
    int connector = 0;
    std::int64_t energy_wh = 0;
    std::int64_t power_w = 0;
    double voltage_v = 0;
    double current_a = 0;
    std::optional<std::int64_t> soc;
    UtcMs at = 0;
    std::string tx_id;  // the transaction running on the connector ("" if none or not told)
    // Sent as it was measured (a meter message): its time also measures the charger's clock. False
    // for a reading inside a replayable event, whose time is already on the server's clock.
    bool live = true;
    // Sent later than it was measured (kept while the charger was offline; OCPP queues them): its
    // time does not measure the clock and is believed up to domain::kQueuedBelievedMs back.
    bool queued = false;
    UtcMs received_at = 0;
};

// Why the charger ended a transaction, as the charger saw it.
enum class ChargerStopReason { local, remote, ev_full, fault, power_loss, reboot, other };
ChargerStopReason charger_stop_reason_from_string(std::string_view text);  // unknown text: other

// A transaction started / updated / ended on the charger. (code, tx_id, seq) identifies the event:
// the service applies it once however often it is delivered, and only then acknowledges it.
struct TransactionEvent {
    enum class Kind { started, updated, ended };
    std::string code;
    Kind kind = Kind::started;
    std::string tx_id;   // the charger's transaction id
    std::int64_t seq = 0;  // the charger's sequence number within tx_id, from 1
    int connector = 0;
    std::int64_t order_id = 0;  // the order the server's start command named (0: none)
    std::string id_tag;         // started without an order: the card it was started with (docs/ocpp.md)
    // A card start whose transaction keeps the charger's tx_id (the OCPP 2.0.1 edge), instead of
    // being named by its order's id from then on (OCPP 1.6's transactionId, kw-mqtt/1).
    bool keep_tx_id = false;
    bool queued = false;        // kept while the charger was offline: its time believed further back
    std::int64_t meter_wh = 0;  // the register at the event
    UtcMs at = 0;
    UtcMs received_at = 0;
    // ended only:
    ChargerStopReason reason = ChargerStopReason::other;
    std::optional<std::int64_t> meter_start_wh;  // the register at the start, if the start was missed
    std::optional<UtcMs> started_at;
};
std::string_view to_string(TransactionEvent::Kind kind);

// Frames a protocol edge exchanged with a charger (the OCPP edge's message log, for maintainers).
struct ProtocolLogEntry {
    bool from_charger = true;
    UtcMs at = 0;
    std::string frame;
};
struct ProtocolLog {
    std::string code;
    std::vector<ProtocolLogEntry> entries;
};

// A charger asks whether an id tag (an RFID card) may charge; answered with AuthorizeResult.
struct AuthorizeRequested {
    std::string code;
    std::string corr;  // the charger's, echoed in the answer
    std::string id_tag;
};

// Which command an acknowledgement answers: the adapter maps it to and from its own correlation ids.
enum class CommandKind { start, stop, reset, unlock, change_availability, get_configuration,
                         set_configuration, trigger_message, clear_cache, send_local_list,
                         get_local_list_version };
std::string_view to_string(CommandKind kind);
struct CommandId {
    CommandKind kind = CommandKind::start;
    std::int64_t order_id = 0;   // start and stop: the order the command is about
    std::int64_t record_id = 0;  // the operator's commands (reset ... clear_cache): their charger_commands row
    bool operator==(const CommandId&) const = default;
    bool about_an_order() const { return kind == CommandKind::start || kind == CommandKind::stop; }
};

struct CommandAcknowledged {
    std::string code;
    std::optional<CommandId> command;  // nullopt: an answer the adapter could not attribute
    bool accepted = false;
    std::string reason;
    std::optional<std::string> result;  // a JSON object the answer carried (e.g. a configuration)
};

enum class FaultSeverity { info, warning, error };
std::string_view to_string(FaultSeverity severity);
std::optional<FaultSeverity> fault_severity_from_string(std::string_view text);

// An alarm raised, or (cleared = true) one the charger reports gone.
struct FaultReported {
    std::string code;
    int connector = 0;  // 0: the whole charger
    std::string fault;  // the charger's fault code
    FaultSeverity severity = FaultSeverity::error;
    std::string message;
    bool cleared = false;
    UtcMs at = 0;
    UtcMs received_at = 0;
};

// The charger's connection is gone (last will, clean shutdown notice, socket closed).
struct ConnectionLost {
    std::string code;
    std::string reason;
};

}  // namespace kw::device
