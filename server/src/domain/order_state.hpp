#pragma once
// The charging order's state machine. next_state is the one place that says which event may move
// an order where: store::apply_event (the only way production changes an order's state) asks it
// for the target, so an event it refuses changes nothing. Pure functions, any thread.
//
//   starting --start_accepted--> starting        charging --stop_requested--> stopping
//   starting --tx_started------> charging        charging --tx_ended/charger_lost--> settled
//   starting --start_rejected/start_timeout/stop_requested/charger_lost--> cancelled
//   starting --tx_ended--------> settled         stopping --tx_ended/charger_lost/stop_timeout--> settled
//   settled, cancelled: terminal, accept nothing.
#include <optional>
#include <string_view>

namespace kw::domain {

enum class OrderState { starting, charging, stopping, settled, cancelled };

enum class OrderEvent {
    start_accepted,  // the charger acknowledged the start command
    tx_started,      // the charger reported the transaction started
    stop_requested,  // driver, admin, limit or balance guard asked to stop
    tx_ended,        // the charger reported the transaction ended
    start_rejected,  // the charger refused the start command
    start_timeout,   // no transaction start within the deadline
    stop_timeout,    // no transaction end within the deadline after a stop
    charger_lost,    // the charger rebooted or stayed offline too long
};

// Why a charging session ended (stored on the order).
enum class StopReason {
    driver,
    admin,
    charger_local,
    ev_full,
    fault,
    balance_exhausted,
    limit_energy,
    limit_amount,
    limit_time,
    charger_rebooted,
    charger_offline,
    start_timeout,
    start_rejected,
    stop_timeout,
    power_loss,
    other,
};

// nullopt: the event is not allowed in that state (the caller ignores or refuses it).
std::optional<OrderState> next_state(OrderState state, OrderEvent event);

// starting, charging, stopping: the order still holds the connector.
bool is_active(OrderState state);

std::string_view to_string(OrderState state);
std::string_view to_string(OrderEvent event);
std::string_view to_string(StopReason reason);

// Unknown order states and events throw kw::Error(bad_request); an unknown stop reason is `other`
// (chargers send free-form reasons).
OrderState order_state_from_string(std::string_view text);
OrderEvent order_event_from_string(std::string_view text);
StopReason stop_reason_from_string(std::string_view text);

}  // namespace kw::domain
