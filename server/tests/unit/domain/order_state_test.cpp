#include "domain/order_state.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>

#include "domain/error.hpp"

namespace {

using kw::domain::next_state;
using kw::domain::OrderEvent;
using kw::domain::OrderState;
using kw::domain::StopReason;
using E = OrderEvent;
using S = OrderState;

const S kStates[] = {S::starting, S::charging, S::stopping, S::settled, S::cancelled};
const E kEvents[] = {E::start_accepted, E::tx_started,    E::stop_requested, E::tx_ended,
                     E::start_rejected, E::start_timeout, E::stop_timeout,   E::charger_lost};

struct Transition {
    S from;
    E event;
    S to;
};

// Every allowed transition. Any (state, event) pair not listed here must be refused.
const Transition kAllowed[] = {
    {S::starting, E::start_accepted, S::starting},  {S::starting, E::tx_started, S::charging},
    {S::starting, E::start_rejected, S::cancelled}, {S::starting, E::start_timeout, S::cancelled},
    {S::starting, E::stop_requested, S::cancelled}, {S::starting, E::charger_lost, S::cancelled},
    {S::starting, E::tx_ended, S::settled},
    {S::charging, E::stop_requested, S::stopping},  {S::charging, E::tx_ended, S::settled},
    {S::charging, E::charger_lost, S::settled},     {S::stopping, E::tx_ended, S::settled},
    {S::stopping, E::charger_lost, S::settled},     {S::stopping, E::stop_timeout, S::settled},
};

std::optional<S> expected(S from, E event) {
    for (const auto& t : kAllowed) {
        if (t.from == from && t.event == event) return t.to;
    }
    return std::nullopt;
}

TEST(OrderStateMachine, EveryStateEventPairMatchesTheTable) {
    int allowed = 0;
    for (S s : kStates) {
        for (E e : kEvents) {
            auto want = expected(s, e);
            auto got = next_state(s, e);
            std::string label = std::string(to_string(s)) + " --" + std::string(to_string(e)) + "-->";
            ASSERT_EQ(got.has_value(), want.has_value()) << label;
            if (want) {
                EXPECT_EQ(*got, *want) << label << " " << to_string(*want);
                ++allowed;
            }
        }
    }
    EXPECT_EQ(allowed, 13);
}

TEST(OrderStateMachine, TerminalStatesAcceptNothing) {
    for (S s : {S::settled, S::cancelled}) {
        for (E e : kEvents) EXPECT_FALSE(next_state(s, e).has_value()) << to_string(s) << " " << to_string(e);
    }
}

TEST(OrderStateMachine, StopBeforeTheChargerStartedCancelsWithoutCharge) {
    EXPECT_EQ(next_state(S::starting, E::stop_requested), S::cancelled);
}

TEST(OrderStateMachine, ChargerLostBeforeTheStartCancelsWithoutCharge) {
    // A reboot or a long silence before the transaction started: nothing to bill.
    EXPECT_EQ(next_state(S::starting, E::charger_lost), S::cancelled);
}

TEST(OrderStateMachine, StopWhileStoppingIsNotAllowedAgain) {
    EXPECT_FALSE(next_state(S::stopping, E::stop_requested).has_value());
    EXPECT_FALSE(next_state(S::charging, E::tx_started).has_value());
}

TEST(OrderStateMachine, ActiveStatesHoldTheConnector) {
    EXPECT_TRUE(kw::domain::is_active(S::starting));
    EXPECT_TRUE(kw::domain::is_active(S::charging));
    EXPECT_TRUE(kw::domain::is_active(S::stopping));
    EXPECT_FALSE(kw::domain::is_active(S::settled));
    EXPECT_FALSE(kw::domain::is_active(S::cancelled));
}

TEST(OrderStateNames, RoundTripAndAreTheStoredStrings) {
    EXPECT_EQ(to_string(S::starting), "starting");
    EXPECT_EQ(to_string(S::cancelled), "cancelled");
    for (S s : kStates) EXPECT_EQ(kw::domain::order_state_from_string(to_string(s)), s);
    for (E e : kEvents) EXPECT_EQ(kw::domain::order_event_from_string(to_string(e)), e);
    EXPECT_EQ(to_string(E::tx_started), "tx_started");
}

TEST(OrderStateNames, UnknownStateOrEventIsBadRequest) {
    try {
        kw::domain::order_state_from_string("paused");
        FAIL() << "no exception";
    } catch (const kw::Error& e) {
        EXPECT_EQ(e.errc(), kw::Errc::bad_request);
    }
    EXPECT_THROW(kw::domain::order_event_from_string("Tx_Started"), kw::Error);
}

TEST(StopReasonNames, AreSnakeCaseAndRoundTrip) {
    const StopReason all[] = {StopReason::driver,          StopReason::admin,
                              StopReason::charger_local,   StopReason::ev_full,
                              StopReason::fault,           StopReason::balance_exhausted,
                              StopReason::limit_energy,    StopReason::limit_amount,
                              StopReason::limit_time,      StopReason::charger_rebooted,
                              StopReason::charger_offline, StopReason::start_timeout,
                              StopReason::start_rejected,  StopReason::stop_timeout,
                              StopReason::power_loss,      StopReason::other};
    std::set<std::string> names;
    for (StopReason r : all) {
        std::string name(to_string(r));
        names.insert(name);
        EXPECT_EQ(kw::domain::stop_reason_from_string(name), r) << name;
        for (char c : name) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << name;
    }
    EXPECT_EQ(names.size(), 16u);
    EXPECT_EQ(to_string(StopReason::balance_exhausted), "balance_exhausted");
    EXPECT_EQ(to_string(StopReason::ev_full), "ev_full");
}

TEST(StopReasonNames, UnknownReasonIsOther) {
    EXPECT_EQ(kw::domain::stop_reason_from_string("EmergencyStop"), StopReason::other);
    EXPECT_EQ(kw::domain::stop_reason_from_string(""), StopReason::other);
}

}  // namespace
