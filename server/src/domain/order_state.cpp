#include "domain/order_state.hpp"

#include <string>

#include "domain/error.hpp"

namespace kw::domain {

namespace {

constexpr OrderState kAllStates[] = {OrderState::starting, OrderState::charging, OrderState::stopping,
                                     OrderState::settled, OrderState::cancelled};
constexpr OrderEvent kAllEvents[] = {OrderEvent::start_accepted, OrderEvent::tx_started,
                                     OrderEvent::stop_requested, OrderEvent::tx_ended,
                                     OrderEvent::start_rejected, OrderEvent::start_timeout,
                                     OrderEvent::stop_timeout,   OrderEvent::charger_lost};
constexpr StopReason kAllReasons[] = {StopReason::driver,          StopReason::admin,
                                      StopReason::charger_local,   StopReason::ev_full,
                                      StopReason::fault,           StopReason::balance_exhausted,
                                      StopReason::limit_energy,    StopReason::limit_amount,
                                      StopReason::limit_time,      StopReason::charger_rebooted,
                                      StopReason::charger_offline, StopReason::start_timeout,
                                      StopReason::start_rejected,  StopReason::stop_timeout,
                                      StopReason::power_loss,      StopReason::other};

}  // namespace

std::optional<OrderState> next_state(OrderState state, OrderEvent event) {
    using S = OrderState;
    using E = OrderEvent;
    switch (state) {
        case S::starting:
            switch (event) {
                case E::start_accepted:
                    return S::starting;
                case E::tx_started:
                    return S::charging;
                case E::start_rejected:
                case E::start_timeout:
                case E::stop_requested:
                case E::charger_lost:
                    return S::cancelled;  // stopped before any energy flowed
                case E::tx_ended:
                    return S::settled;  // the start was missed, the end was not
                default:
                    return std::nullopt;
            }
        case S::charging:
            switch (event) {
                case E::stop_requested:
                    return S::stopping;
                case E::tx_ended:
                case E::charger_lost:
                    return S::settled;
                default:
                    return std::nullopt;
            }
        case S::stopping:
            switch (event) {
                case E::tx_ended:
                case E::charger_lost:
                case E::stop_timeout:
                    return S::settled;  // from the last known meter reading
                default:
                    return std::nullopt;
            }
        case S::settled:
        case S::cancelled:
            return std::nullopt;
    }
    return std::nullopt;
}

bool is_active(OrderState state) {
    return state == OrderState::starting || state == OrderState::charging || state == OrderState::stopping;
}

std::string_view to_string(OrderState state) {
    switch (state) {
        case OrderState::starting:
            return "starting";
        case OrderState::charging:
            return "charging";
        case OrderState::stopping:
            return "stopping";
        case OrderState::settled:
            return "settled";
        case OrderState::cancelled:
            return "cancelled";
    }
    return "cancelled";
}

std::string_view to_string(OrderEvent event) {
    switch (event) {
        case OrderEvent::start_accepted:
            return "start_accepted";
        case OrderEvent::tx_started:
            return "tx_started";
        case OrderEvent::stop_requested:
            return "stop_requested";
        case OrderEvent::tx_ended:
            return "tx_ended";
        case OrderEvent::start_rejected:
            return "start_rejected";
        case OrderEvent::start_timeout:
            return "start_timeout";
        case OrderEvent::stop_timeout:
            return "stop_timeout";
        case OrderEvent::charger_lost:
            return "charger_lost";
    }
    return "charger_lost";
}

std::string_view to_string(StopReason reason) {
    switch (reason) {
        case StopReason::driver:
            return "driver";
        case StopReason::admin:
            return "admin";
        case StopReason::charger_local:
            return "charger_local";
        case StopReason::ev_full:
            return "ev_full";
        case StopReason::fault:
            return "fault";
        case StopReason::balance_exhausted:
            return "balance_exhausted";
        case StopReason::limit_energy:
            return "limit_energy";
        case StopReason::limit_amount:
            return "limit_amount";
        case StopReason::limit_time:
            return "limit_time";
        case StopReason::charger_rebooted:
            return "charger_rebooted";
        case StopReason::charger_offline:
            return "charger_offline";
        case StopReason::start_timeout:
            return "start_timeout";
        case StopReason::start_rejected:
            return "start_rejected";
        case StopReason::stop_timeout:
            return "stop_timeout";
        case StopReason::power_loss:
            return "power_loss";
        case StopReason::other:
            return "other";
    }
    return "other";
}

OrderState order_state_from_string(std::string_view text) {
    for (OrderState s : kAllStates) {
        if (to_string(s) == text) return s;
    }
    throw Error(Errc::bad_request, "unknown order state \"" + std::string(text) + "\"");
}

OrderEvent order_event_from_string(std::string_view text) {
    for (OrderEvent e : kAllEvents) {
        if (to_string(e) == text) return e;
    }
    throw Error(Errc::bad_request, "unknown order event \"" + std::string(text) + "\"");
}

StopReason stop_reason_from_string(std::string_view text) {
    for (StopReason r : kAllReasons) {
        if (to_string(r) == text) return r;
    }
    return StopReason::other;
}

}  // namespace kw::domain
