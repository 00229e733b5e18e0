#pragma once
// kw-mqtt/1 payloads as the charger sends and receives them (docs/device-protocol.md): topic names,
// JSON builders for every charger -> server message and the parser of server -> charger commands.
// Pure functions, callable from any thread.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kw::sim {

using WallTime = std::chrono::system_clock::time_point;

// "2026-06-01T01:00:05.123Z"
std::string utc_iso(WallTime t);

// "kw/v1/<code>/<kind>", kind one of boot heartbeat status meter tx ack fault state cmd.
std::string topic(std::string_view code, std::string_view kind);

struct BootInfo {
    std::string vendor, model, firmware, kind;  // kind "AC" | "DC"
    int rated_w = 0;
    int connectors = 0;
    std::string boot_id;
};
std::string boot_payload(const BootInfo& boot, WallTime ts);
std::string heartbeat_payload(WallTime ts);
std::string status_payload(int connector, std::string_view status, std::string_view error, WallTime ts);

struct MeterReading {
    int connector = 0;
    std::string tx_id;  // empty: no transaction running, field omitted
    std::int64_t energy_wh = 0;
    int power_w = 0;
    double voltage_v = 0.0;
    double current_a = 0.0;
    std::optional<int> soc;  // DC only
};
std::string meter_payload(const MeterReading& m, WallTime ts);

struct TxStarted {
    std::string tx_id;
    int seq = 1;
    int connector = 0;
    std::int64_t order_id = 0;
    std::int64_t meter_wh = 0;
};
std::string tx_started_payload(const TxStarted& e, WallTime ts);

struct TxEnded {
    std::string tx_id;
    int seq = 2;
    int connector = 0;
    std::int64_t order_id = 0;
    std::int64_t meter_start_wh = 0;
    std::string started_at;  // ISO, as sent in "started"
    std::int64_t meter_wh = 0;
    std::string reason;  // remote local ev_full fault power_loss reboot other
};
std::string tx_ended_payload(const TxEnded& e, WallTime ts);

std::string ack_payload(std::string_view corr, std::string_view cmd, bool accepted, std::string_view reason);

struct FaultInfo {
    int connector = 0;  // 0: the whole charger
    std::string code, severity, message;
    bool cleared = false;
};
std::string fault_payload(const FaultInfo& f, WallTime ts);
std::string state_payload(bool online, std::string_view reason);

// A command received on kw/v1/<code>/cmd. Fields a command does not carry stay empty/zero.
struct Command {
    enum class Kind { kBootResult, kStart, kStop, kTxAck, kUnknown };
    Kind kind = Kind::kUnknown;
    std::string name;  // the "cmd" string as received
    std::string corr;
    int connector = 0;
    std::optional<std::int64_t> order_id;
    std::string tx_id;
    int seq = 0;
    std::string status;   // boot_result
    int heartbeat_s = 0;  // boot_result, 0 when absent
    std::string reason;   // stop
};
// Throws std::invalid_argument when the payload is not a JSON object, has no string "cmd", or a
// known command misses a required field (start: connector; stop: connector; tx_ack: tx_id, seq;
// boot_result: status).
Command parse_command(std::string_view payload);

}  // namespace kw::sim
