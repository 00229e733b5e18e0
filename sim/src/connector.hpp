#pragma once
// One connector of a simulated charger: status, plug, fault, the cumulative energy register and the
// running session, plus the pure rules of which start/stop commands it accepts. Plain data mutated
// by its Charger on the io_context thread.
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "power_curve.hpp"

namespace kw::sim {

enum class ConnectorStatus {
    kAvailable,
    kPreparing,
    kCharging,
    kSuspended,
    kFinishing,
    kFaulted,
    kUnavailable
};

std::string_view status_name(ConnectorStatus status);

struct Session {
    std::string tx_id;
    std::int64_t order_id = 0;
    int next_seq = 2;  // "started" is seq 1
    std::int64_t meter_start_wh = 0;
    std::string started_at;  // ISO, as sent in "started"
    CurveParams curve;
    EvState ev;
};

struct Connector {
    int number = 1;
    ConnectorStatus status = ConnectorStatus::kAvailable;
    bool plugged = false;
    std::string fault;  // active error-severity fault code; empty when none
    EnergyRegister energy;
    std::optional<Session> session;
    int power_w = 0;
    int limit_w = -1;        // set-power limit; -1: none
    std::string last_tx_id;  // the last ended transaction, so a repeated stop is answered the same
    std::int64_t last_order_id = -1;
    // Orders whose session ended here since boot, newest last (at most kEndedOrdersKept): a start
    // repeated for one of them must not begin a second session.
    std::vector<std::int64_t> ended_orders;
    std::chrono::steady_clock::time_point last_update{};
    std::chrono::steady_clock::time_point last_meter{};
};

// How many ended orders a connector remembers: the server repeats a start only while its order is
// starting (30 s at most), so the last few suffice.
inline constexpr std::size_t kEndedOrdersKept = 16;

// Why a start for `order_id` is refused: "" when it may start, "already_running" when this very order
// is already charging here (a repeated start: answer accepted again, start nothing), "already_ended"
// when its session ran here and ended (a repeated start arriving late: never a second session),
// otherwise "faulted", "unavailable" or "occupied".
std::string start_refusal(const Connector& c, std::int64_t order_id);

// Records that the session of `order_id` ended on this connector (keeps the newest kEndedOrdersKept).
void remember_ended(Connector& c, std::int64_t order_id);
// Advances the connector to now: while it is charging, its session's power curve runs for the time
// since its last update (times `speed`) with a little noise, and the register rises by the energy
// delivered. True when the EV became full. Both charger kinds (kw-mqtt/1 and OCPP) call it.
bool update_energy(Connector& c, double speed, std::mt19937_64& rng);

// Why a stop is refused: "" when the running session matches (tx_id and order_id checked when
// given), "already_stopped" when it names the last ended session (a redelivered stop), otherwise
// "no_transaction".
std::string stop_refusal(const Connector& c, std::string_view tx_id, std::optional<std::int64_t> order_id);

// The status a connector without session rests in: faulted, else preparing when plugged, else available.
ConnectorStatus idle_status(const Connector& c);

}  // namespace kw::sim
