#include "device/events.hpp"

#include <array>
#include <utility>

#include "device/commands.hpp"

namespace kw::device {

namespace {

template <class E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view text) {
    for (const auto& [value, name] : table)
        if (name == text) return value;
    return std::nullopt;
}

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
    for (const auto& [v, name] : table)
        if (v == value) return name;
    return "?";
}

constexpr std::array<std::pair<ConnectorStatus, std::string_view>, 7> kStatuses{{
    {ConnectorStatus::available, "available"},
    {ConnectorStatus::preparing, "preparing"},
    {ConnectorStatus::charging, "charging"},
    {ConnectorStatus::suspended, "suspended"},
    {ConnectorStatus::finishing, "finishing"},
    {ConnectorStatus::faulted, "faulted"},
    {ConnectorStatus::unavailable, "unavailable"},
}};

constexpr std::array<std::pair<ChargerStopReason, std::string_view>, 7> kStopReasons{{
    {ChargerStopReason::local, "local"},
    {ChargerStopReason::remote, "remote"},
    {ChargerStopReason::ev_full, "ev_full"},
    {ChargerStopReason::fault, "fault"},
    {ChargerStopReason::power_loss, "power_loss"},
    {ChargerStopReason::reboot, "reboot"},
    {ChargerStopReason::other, "other"},
}};

constexpr std::array<std::pair<TransactionEvent::Kind, std::string_view>, 3> kTxKinds{{
    {TransactionEvent::Kind::started, "started"},
    {TransactionEvent::Kind::updated, "updated"},
    {TransactionEvent::Kind::ended, "ended"},
}};

constexpr std::array<std::pair<CommandKind, std::string_view>, 11> kCommandKinds{{
    {CommandKind::start, "start"},
    {CommandKind::stop, "stop"},
    {CommandKind::reset, "reset"},
    {CommandKind::unlock, "unlock"},
    {CommandKind::change_availability, "change_availability"},
    {CommandKind::get_configuration, "get_configuration"},
    {CommandKind::set_configuration, "set_configuration"},
    {CommandKind::trigger_message, "trigger_message"},
    {CommandKind::clear_cache, "clear_cache"},
    {CommandKind::send_local_list, "send_local_list"},
    {CommandKind::get_local_list_version, "get_local_list_version"},
}};

constexpr std::array<std::pair<FaultSeverity, std::string_view>, 3> kSeverities{{
    {FaultSeverity::info, "info"},
    {FaultSeverity::warning, "warning"},
    {FaultSeverity::error, "error"},
}};

}  // namespace

std::string_view to_string(ConnectorStatus status) { return name_of(kStatuses, status); }
std::optional<ConnectorStatus> connector_status_from_string(std::string_view text) {
    return lookup(kStatuses, text);
}

ChargerStopReason charger_stop_reason_from_string(std::string_view text) {
    return lookup(kStopReasons, text).value_or(ChargerStopReason::other);
}

std::string_view to_string(TransactionEvent::Kind kind) { return name_of(kTxKinds, kind); }
std::string_view to_string(CommandKind kind) { return name_of(kCommandKinds, kind); }
std::string_view to_string(FaultSeverity severity) { return name_of(kSeverities, severity); }
std::optional<FaultSeverity> fault_severity_from_string(std::string_view text) {
    return lookup(kSeverities, text);
}

std::optional<CommandId> command_id(const Command& command) {
    return std::visit(
        Overloaded{
            [](const StartCommand& c) -> std::optional<CommandId> { return CommandId{CommandKind::start, c.order_id}; },
            [](const StopCommand& c) -> std::optional<CommandId> { return CommandId{CommandKind::stop, c.order_id}; },
            [](const BootAccepted&) -> std::optional<CommandId> { return std::nullopt; },
            [](const TransactionEventAck&) -> std::optional<CommandId> { return std::nullopt; },
            [](const AuthorizeResult&) -> std::optional<CommandId> { return std::nullopt; },
            [](const StationApproved&) -> std::optional<CommandId> { return std::nullopt; },
            [](const ResetCommand& c) -> std::optional<CommandId> {
                return CommandId{CommandKind::reset, 0, c.record_id};
            },
            [](const UnlockCommand& c) -> std::optional<CommandId> {
                return CommandId{CommandKind::unlock, 0, c.record_id};
            },
            [](const ChangeAvailabilityCommand& c) -> std::optional<CommandId> {
                return CommandId{CommandKind::change_availability, 0, c.record_id};
            },
            [](const GetConfigurationCommand& c) -> std::optional<CommandId> {
                return CommandId{CommandKind::get_configuration, 0, c.record_id};
            },
            [](const SetConfigurationCommand& c) -> std::optional<CommandId> {
                return CommandId{CommandKind::set_configuration, 0, c.record_id};
            },
            [](const TriggerMessageCommand& c) -> std::optional<CommandId> {
                return CommandId{CommandKind::trigger_message, 0, c.record_id};
            },
            [](const ClearCacheCommand& c) -> std::optional<CommandId> {
                return CommandId{CommandKind::clear_cache, 0, c.record_id};
            },
            [](const SendLocalListCommand& c) -> std::optional<CommandId> {
                return CommandId{CommandKind::send_local_list, 0, c.record_id};
            },
            [](const GetLocalListVersionCommand& c) -> std::optional<CommandId> {
                return CommandId{CommandKind::get_local_list_version, 0, c.record_id};
            },
        },
        command);
}

}  // namespace kw::device
