#pragma once
// The charging session flow: start, stop, settle. Everything that changes an order goes through
// here, whether a driver, staff, a charger event or the sweeper caused it. Each change is a
// conditional UPDATE inside a transaction, so two server instances (or a charger event racing the
// sweeper) can never apply the same change twice. Worker threads only.
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "app/context.hpp"
#include "domain/order_state.hpp"
#include "domain/schedule.hpp"
#include "store/charger_refs.hpp"
#include "store/orders_repo.hpp"

namespace kw::service {

struct StartRequest {
    std::int64_t driver_id = 0;  // 0: maintenance start by staff (never billed)
    std::string charger_code;
    int connector = 0;
    domain::StopLimits limits;
    std::optional<std::int64_t> schedule_id;
    // Started at the charger with a card (service/charger_tx.cpp): no start command is sent, neither
    // the charger's presence nor the connector's reported status is checked (the charger has begun),
    // the caller links the connector to the order and pushes it, and the order counts from
    // `at_charger_since` (when the charger says it began, not before a week ago), so that a session
    // started offline is billed by its own times.
    bool at_charger = false;
    std::optional<UtcMs> at_charger_since;
};

// Checks driver (active, balance >= orders.min_balance_fen, no other active order), charger
// (exists, online), connector (exists, not faulted/unavailable, not held by another order), creates
// the order in state starting with the station's tariff and sends the start command. Throws
// kw::Error: not_found, charger_offline, connector_unavailable, connector_busy, account_disabled,
// insufficient_balance, session_active.
store::Order start_order(app::Context& ctx, const StartRequest& request);

// start_order in two parts, for a start at the charger (a card start, service/charger_tx.cpp) whose
// order is created in the same SQL transaction as the rest of what the start event does, so that
// SQLite's one writer is taken once per card start, and a crash cannot leave the event recorded
// without its order. prepare_start: the checks that need no writer (charger, connector, the
// station's tariff; throws not_found). create_order: inside the caller's open transaction, the
// driver's checks and the order with its claims (throws account_disabled, insufficient_balance,
// connector_busy, session_active); returns it as stored. Neither sends or pushes anything.
struct PreparedStart {
    store::ChargerRef charger;
    std::string tariff_spec;
};
PreparedStart prepare_start(app::Context& ctx, const StartRequest& request);
store::Order create_order(app::Context& ctx, soci::session& sql, const StartRequest& request,
                          const PreparedStart& prepared, UtcMs now);

// Driver/staff/limit/balance stop. starting -> cancelled (no charge); charging -> stopping + stop
// command; stopping: the command is sent again. Terminal orders: invalid_state.
store::Order request_stop(app::Context& ctx, std::int64_t order_id, domain::StopReason reason);

// The command a charger has not confirmed yet, again (service/command_repeats.hpp): a starting
// order's start, a stopping order's stop with its own reason. No-op in any other state.
void repeat_command(app::Context& ctx, std::int64_t order_id);

// A stop command can be lost (the broker restarted between the publish and the charger, whose
// session is a clean one), so a stop that has not had its effect goes out again, at most every
// kStopRepeatS for the same transaction.
inline constexpr std::int64_t kStopRepeatS = 10;
// True for one caller per `key` every `every_s`, across server instances (a Redis guard,
// SET <prefix><key> NX EX every_s): that caller sends the command again.
bool repeat_due(app::Context& ctx, const std::string& key, std::int64_t every_s);
// The stop's guard, per `what` (an order id, a charger's transaction): <prefix>stoprepeat:<what>.
inline bool stop_repeat_due(app::Context& ctx, const std::string& what) {
    return repeat_due(ctx, "stoprepeat:" + what, kStopRepeatS);
}

// Closes an active order at its last known meter value (charger rebooted, offline too long,
// stop not confirmed in time). No-op if the order is no longer active.
void settle_at_last_meter(app::Context& ctx, std::int64_t order_id, domain::StopReason reason);

// Cancels a starting order whose start was never confirmed (start_timeout, start_rejected), was
// stopped (driver, admin ...) or whose charger was lost. No-op if it is no longer starting.
void cancel_start(app::Context& ctx, std::int64_t order_id, domain::StopReason reason);

// Refund part or all of a settled order's paid amount to the wallet (ledger row + audit row).
// Throws invalid_state (not settled, maintenance) or refund_exceeds_paid.
store::Order refund_order(app::Context& ctx, std::int64_t order_id, std::int64_t amount_fen,
                          const std::string& reason, std::int64_t employee_id);

// Settles an active order inside the caller's transaction: bills the persisted samples plus the
// given start and end readings, debits the wallet (never below zero), releases the connector.
// Returns false (and changes nothing) if the state machine refuses `event` in the order's state or
// the order moved on meanwhile.
struct SettleInput {
    domain::OrderEvent event = domain::OrderEvent::tx_ended;  // tx_ended, charger_lost or stop_timeout
    UtcMs end_at = 0;
    std::int64_t end_wh = 0;
    domain::StopReason reason = domain::StopReason::other;
    std::optional<std::string> tx_id;
    std::optional<std::int64_t> start_wh;   // from the charger's ended event, if the start was missed
    std::optional<UtcMs> started_at;
    // The end and start come from the charger's ended event, not from readings already accepted:
    // they are bounded by what is known of the session (domain::session_ends).
    bool reported_by_charger = false;
    UtcMs end_received_at = 0;  // when the charger's ended event arrived (domain::SessionFacts)
};
bool settle(app::Context& ctx, soci::session& sql, const store::Order& order, const SettleInput& in);

// The order as the API shows it; live adds the running values of an active order from Redis.
boost::json::object order_json(app::Context& ctx, const store::Order& order, bool live);

// Pushes the order's current state to "order:<id>" and the dashboard.
void push_order(app::Context& ctx, const store::Order& order);
// Whether anyone can receive push_order's message for this order now (its order channel or the
// dashboard): a caller that must read the order first skips the read when no one can.
bool order_watched(app::Context& ctx, std::int64_t order_id);

}  // namespace kw::service
