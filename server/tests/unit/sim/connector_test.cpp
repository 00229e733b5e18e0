#include "connector.hpp"

#include <gtest/gtest.h>

namespace kw::sim {
namespace {

Connector with_session(std::string tx, std::int64_t order) {
    Connector c;
    c.status = ConnectorStatus::kCharging;
    c.session = Session{};
    c.session->tx_id = std::move(tx);
    c.session->order_id = order;
    return c;
}

TEST(ConnectorRules, IdleConnectorAcceptsStart) { EXPECT_EQ(start_refusal(Connector{}, 42), ""); }

TEST(ConnectorRules, BusyConnectorRefusesAnotherOrderButAcceptsARedeliveredStart) {
    const auto c = with_session("T-1", 42);
    EXPECT_EQ(start_refusal(c, 43), "occupied");
    EXPECT_EQ(start_refusal(c, 42), "already_running");
}

TEST(ConnectorRules, StartRepeatedAfterItsSessionEndedIsRefusedAndStartsNothing) {
    Connector c;
    remember_ended(c, 42);
    EXPECT_EQ(start_refusal(c, 42), "already_ended");
    EXPECT_EQ(start_refusal(c, 43), "");
    // Only the newest kEndedOrdersKept are remembered: enough for the 30 s a start is repeated.
    for (std::int64_t id = 100; id < 100 + static_cast<std::int64_t>(kEndedOrdersKept); ++id) remember_ended(c, id);
    EXPECT_EQ(start_refusal(c, 42), "");
    EXPECT_EQ(start_refusal(c, 100), "already_ended");
}

TEST(ConnectorRules, FaultedConnectorRefusesStart) {
    Connector c;
    c.fault = "over_temperature";
    c.status = ConnectorStatus::kFaulted;
    EXPECT_EQ(start_refusal(c, 1), "faulted");
}

TEST(ConnectorRules, StopMatchesRunningSessionByTxIdOrOrder) {
    const auto c = with_session("T-1", 42);
    EXPECT_EQ(stop_refusal(c, "T-1", 42), "");
    EXPECT_EQ(stop_refusal(c, "", 42), "");
    EXPECT_EQ(stop_refusal(c, "", std::nullopt), "");
    EXPECT_EQ(stop_refusal(c, "T-2", 42), "no_transaction");
    EXPECT_EQ(stop_refusal(c, "", 41), "no_transaction");
}

TEST(ConnectorRules, RepeatedStopOfTheEndedSessionIsAcceptedAgain) {
    Connector c;
    c.last_tx_id = "T-1";
    c.last_order_id = 42;
    EXPECT_EQ(stop_refusal(c, "T-1", 42), "already_stopped");
    EXPECT_EQ(stop_refusal(c, "", 42), "already_stopped");
    EXPECT_EQ(stop_refusal(c, "", std::nullopt), "no_transaction");
    EXPECT_EQ(stop_refusal(Connector{}, "T-1", 42), "no_transaction");
}

TEST(ConnectorRules, IdleStatusReflectsFaultThenPlug) {
    Connector c;
    EXPECT_EQ(idle_status(c), ConnectorStatus::kAvailable);
    c.plugged = true;
    EXPECT_EQ(idle_status(c), ConnectorStatus::kPreparing);
    c.fault = "x";
    EXPECT_EQ(idle_status(c), ConnectorStatus::kFaulted);
}

}  // namespace
}  // namespace kw::sim
