#pragma once
// What the server asks of a charger, whatever protocol it speaks (docs/device-protocol.md,
// "Commands"). Services build these typed commands; the protocol adapter formats them (kw-mqtt/1:
// device/mqtt/mqtt_commands.cpp) and alone builds and parses correlation ids from the CommandId.
// Commands::send is thread-safe and never blocks.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "device/events.hpp"

namespace kw::device {

struct StartCommand {
    std::int64_t order_id = 0;
    int connector = 0;
    UtcMs at = 0;
};

struct StopCommand {
    std::int64_t order_id = 0;  // may name an order the server does not know (a stray transaction)
    int connector = 0;
    std::optional<std::string> tx_id;
    std::string reason;  // domain::StopReason as text
};

// Acknowledgements of charger events.
struct BootAccepted {
    int heartbeat_s = 0;
    UtcMs server_time = 0;
    int meter_interval_s = 0;  // seconds between meter samples while charging; 0: not told
};
struct TransactionEventAck {
    std::string tx_id;
    std::int64_t seq = 0;
    // A start with a card (an event without order_id): the order it created (0: none) and the card's
    // status (accepted, blocked, ...; service/cards.hpp). Empty status: not such a start.
    std::int64_t order_id = 0;
    std::string card_status;
};
// The answer to AuthorizeRequested.
struct AuthorizeResult {
    std::string corr;
    std::string id_tag;
    std::string status;  // accepted | blocked | expired | invalid | concurrent_tx
    std::optional<UtcMs> expires_at;
    std::int64_t driver_id = 0;  // the card's holder (0: none known): its cards' group, "KW-D<id>"
};

// The operator's commands (service/charger_commands.hpp), which OCPP chargers take through the OCPP
// edge (docs/ocpp.md); record_id is the command's charger_commands row, which its answer updates.
struct ResetCommand {
    std::int64_t record_id = 0;
    bool hard = false;
    int connector = 0;  // 0: the whole charger; n: only EVSE n (OCPP 2.0.1 chargers only)
};
struct UnlockCommand {
    std::int64_t record_id = 0;
    int connector = 0;
};
struct ChangeAvailabilityCommand {
    std::int64_t record_id = 0;
    int connector = 0;  // 0: the whole charger
    bool operative = true;
};
struct GetConfigurationCommand {
    std::int64_t record_id = 0;
    std::vector<std::string> keys;  // empty: all
};
struct SetConfigurationCommand {
    std::int64_t record_id = 0;
    std::string key;
    std::string value;
};
struct TriggerMessageCommand {
    std::int64_t record_id = 0;
    std::string message;  // boot | heartbeat | status | meter
    int connector = 0;    // 0: the whole charger
};
struct ClearCacheCommand {
    std::int64_t record_id = 0;
};
// The charger's local authorisation list: the cards it may accept while offline, replaced whole
// (full) or only the cards changed since the version it holds (differential).
struct LocalListEntry {
    std::string id_tag;
    std::string status;  // accepted | blocked | expired (service/cards.hpp)
    std::optional<UtcMs> expires_at;
};
struct SendLocalListCommand {
    std::int64_t record_id = 0;
    bool differential = false;
    std::int64_t list_version = 0;
    std::vector<LocalListEntry> entries;  // filled by service/local_list.cpp
};
struct GetLocalListVersionCommand {
    std::int64_t record_id = 0;
};
// To the OCPP edge holding a charge point that waits for approval (service/pending_stations.hpp): the
// operator approved it with this broker password, which the edge sets as its AuthorizationKey.
struct StationApproved {
    std::string password;
};

using Command = std::variant<StartCommand, StopCommand, BootAccepted, TransactionEventAck, ResetCommand,
                             UnlockCommand, ChangeAvailabilityCommand, GetConfigurationCommand,
                             SetConfigurationCommand, TriggerMessageCommand, ClearCacheCommand, SendLocalListCommand,
                             GetLocalListVersionCommand, AuthorizeResult, StationApproved>;

// Visits a Command with one lambda per alternative: std::visit(Overloaded{...}, command).
template <class... F>
struct Overloaded : F... {
    using F::operator()...;
};

// The CommandId an acknowledgement of this command will carry (nullopt: no acknowledgement).
std::optional<CommandId> command_id(const Command& command);

enum class Delivery { queued, not_supported };

class Commands {
public:
    virtual ~Commands() = default;
    // queued: handed to the transport (delivery and the answer are asynchronous);
    // not_supported: the charger's protocol has no such command, nothing was sent.
    virtual Delivery send(const std::string& charger_code, const Command& command) = 0;
};

}  // namespace kw::device
