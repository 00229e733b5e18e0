#include "ocpp_outbox.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace kw::sim::ocpp {
namespace {

using namespace std::chrono_literals;
using Time = Outbox::Time;

const Time t0 = Time{} + 1000s;

OutgoingCall other(std::string action) { return OutgoingCall{std::move(action), {}}; }
OutgoingCall tx(std::string action, int local_tx) {
    return OutgoingCall{std::move(action), {{"n", local_tx}}, true, local_tx};
}

// Sends everything that may go now, answering each at once; returns the actions in order.
std::vector<std::string> drain(Outbox& box, Time now = t0, bool booted = true, bool hold = false) {
    std::vector<std::string> sent;
    while (auto s = box.next(now, booted, hold)) {
        sent.push_back(s->action);
        box.answered();
    }
    return sent;
}

TEST(OcppOutbox, OnlyOneCallIsInFlightUntilItIsAnswered) {
    Outbox box;
    box.push(other("Heartbeat"));
    box.push(other("StatusNotification"));
    ASSERT_TRUE(box.next(t0, true, false));
    EXPECT_FALSE(box.next(t0, true, false));
    box.answered();
    auto s = box.next(t0, true, false);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->action, "StatusNotification");
}

TEST(OcppOutbox, MessagesGoInTheOrderTheyWereQueuedAcrossBothQueues) {
    Outbox box;
    box.push(other("StatusNotification"));
    box.push(tx("StartTransaction", 1));
    box.push(other("Heartbeat"));
    box.push(tx("MeterValues", 1));
    auto first = box.next(t0, true, false);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->action, "StatusNotification");
    box.answered();
    auto start = box.next(t0, true, false);
    ASSERT_TRUE(start);
    EXPECT_EQ(start->action, "StartTransaction");
    box.resolve(1, 42);
    box.answered();
    EXPECT_EQ(drain(box), (std::vector<std::string>{"Heartbeat", "MeterValues"}));
}

TEST(OcppOutbox, BeforeTheBootIsAcceptedOnlyBootNotificationGoes) {
    Outbox box;
    box.push(tx("StopTransaction", 1));
    box.push(other("BootNotification"));
    auto s = box.next(t0, false, false);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->action, "BootNotification");
    box.answered();
    EXPECT_FALSE(box.next(t0, false, false));
}

TEST(OcppOutbox, LaterMessagesOfATransactionCarryTheIdItsStartWasAnswered) {
    Outbox box;
    box.push(tx("StartTransaction", 7));
    box.push(tx("MeterValues", 7));
    box.push(tx("StopTransaction", 7));
    auto start = box.next(t0, true, false);
    ASSERT_TRUE(start);
    EXPECT_FALSE(start->payload.contains("transactionId"));
    box.resolve(7, 4711);
    box.answered();
    auto meter = box.next(t0, true, false);
    ASSERT_TRUE(meter);
    EXPECT_EQ(meter->payload.at("transactionId").as_int64(), 4711);
    box.answered();
    auto stop = box.next(t0, true, false);
    ASSERT_TRUE(stop);
    EXPECT_EQ(stop->payload.at("transactionId").as_int64(), 4711);
}

TEST(OcppOutbox, TransactionMessagesSurviveALostConnectionAndTheOneInFlightGoesFirstAgain) {
    Outbox box;
    box.push(tx("StartTransaction", 1));
    box.push(other("StatusNotification"));
    ASSERT_EQ(box.next(t0, true, false)->action, "StartTransaction");
    box.connection_lost();
    EXPECT_EQ(box.other_messages(), 0u);
    EXPECT_EQ(box.transaction_messages(), 1u);
    box.push(other("BootNotification"));
    EXPECT_EQ(drain(box, t0, false), (std::vector<std::string>{"BootNotification"}));
    auto again = box.next(t0, true, false);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->action, "StartTransaction");
    EXPECT_EQ(again->attempt, 2);
}

TEST(OcppOutbox, InternalErrorMeansSendAgainLaterNeverDrop) {
    Outbox box;
    box.push(tx("StartTransaction", 1));
    box.next(t0, true, false);
    box.resolve(1, 5);
    box.answered();
    box.push(tx("StopTransaction", 1));
    Time now = t0;
    for (int i = 1; i <= 20; ++i) {
        auto s = box.next(now, true, false);
        ASSERT_TRUE(s) << "attempt " << i;
        EXPECT_EQ(s->attempt, i);
        EXPECT_EQ(box.failed(now, true, 3, 10s), Outbox::Failure::kRetry);
        now += Outbox::kMaxRetryWait;
    }
    EXPECT_EQ(box.transaction_messages(), 1u);
}

TEST(OcppOutbox, ARetryWaitsRetryIntervalTimesAttemptsCappedAtAMinute) {
    Outbox box;
    box.push(tx("StopTransaction", 0));
    box.next(t0, true, false);
    box.failed(t0, true, 3, 10s);
    EXPECT_EQ(box.retry_at(), t0 + 10s);
    EXPECT_FALSE(box.next(t0 + 9s, true, false));
    ASSERT_TRUE(box.next(t0 + 10s, true, false));
    box.failed(t0 + 10s, true, 3, 10s);
    EXPECT_EQ(box.retry_at(), t0 + 30s);
    box.next(t0 + 30s, true, false);
    box.failed(t0 + 30s, true, 3, 50s);
    EXPECT_EQ(box.retry_at(), t0 + 30s + Outbox::kMaxRetryWait);
}

TEST(OcppOutbox, OtherMessagesGoWhileATransactionMessageWaitsForItsRetry) {
    Outbox box;
    box.push(tx("StopTransaction", 0));
    box.next(t0, true, false);
    box.failed(t0, true, 3, 10s);
    box.push(other("Heartbeat"));
    EXPECT_EQ(drain(box, t0 + 1s), (std::vector<std::string>{"Heartbeat"}));
    EXPECT_EQ(drain(box, t0 + 10s), (std::vector<std::string>{"StopTransaction"}));
}

TEST(OcppOutbox, AMessageRefusedAsMalformedIsDroppedAfterTransactionMessageAttempts) {
    Outbox box;
    box.push(tx("StartTransaction", 3));
    box.push(tx("MeterValues", 3));
    box.push(tx("StopTransaction", 3));
    Time now = t0;
    for (int i = 1; i < 3; ++i) {
        ASSERT_TRUE(box.next(now, true, false));
        EXPECT_EQ(box.failed(now, false, 3, 1s), Outbox::Failure::kRetry);
        now += Outbox::kMaxRetryWait;
    }
    ASSERT_TRUE(box.next(now, true, false));
    EXPECT_EQ(box.failed(now, false, 3, 1s), Outbox::Failure::kDropped);
    // The transaction has no id: its samples cannot be sent; its stop goes with -1.
    auto stop = box.next(now, true, false);
    ASSERT_TRUE(stop);
    EXPECT_EQ(stop->action, "StopTransaction");
    EXPECT_EQ(stop->payload.at("transactionId").as_int64(), -1);
}

TEST(OcppOutbox, SamplesOfATransactionTheCentralSystemGaveNoValidIdAreDropped) {
    Outbox box;
    box.push(tx("StartTransaction", 1));
    box.push(tx("MeterValues", 1));
    box.push(tx("StopTransaction", 1));
    box.next(t0, true, false);
    box.resolve(1, 0);  // Invalid: transactionId 0
    box.answered();
    auto stop = box.next(t0, true, false);
    ASSERT_TRUE(stop);
    EXPECT_EQ(stop->action, "StopTransaction");
    EXPECT_EQ(stop->payload.at("transactionId").as_int64(), 0);
}

TEST(OcppOutbox, OtherMessagesAreDroppedWhenTheyFail) {
    Outbox box;
    box.push(other("StatusNotification"));
    box.next(t0, true, false);
    EXPECT_EQ(box.failed(t0, true, 3, 10s), Outbox::Failure::kDropped);
    EXPECT_EQ(box.other_messages(), 0u);
}

TEST(OcppOutbox, HoldTxKeepsTransactionMessagesButLetsOthersGo) {
    Outbox box;
    box.push(tx("StopTransaction", 0));
    box.push(other("Heartbeat"));
    EXPECT_EQ(drain(box, t0, true, true), (std::vector<std::string>{"Heartbeat"}));
    EXPECT_EQ(box.transaction_messages(), 1u);
    EXPECT_EQ(drain(box), (std::vector<std::string>{"StopTransaction"}));
}

TEST(OcppOutbox, QueuedSamplesAreBoundedOldestFirstButStartAndStopAlwaysStay) {
    Outbox box;
    box.push(tx("StartTransaction", 1));
    for (std::size_t i = 0; i < Outbox::kMaxQueuedMeterValues + 10; ++i)
        box.push(OutgoingCall{"MeterValues", {{"i", static_cast<int>(i)}}, true, 1});
    box.push(tx("StopTransaction", 1));
    EXPECT_EQ(box.transaction_messages(), Outbox::kMaxQueuedMeterValues + 2);
    box.next(t0, true, false);
    box.resolve(1, 9);
    box.answered();
    auto first_sample = box.next(t0, true, false);
    ASSERT_TRUE(first_sample);
    EXPECT_EQ(first_sample->payload.at("i").as_int64(), 10);
}

TEST(OcppOutbox, HistoryKeepsStartAndStopAsSentWithTheirIdsForDuplicateTx) {
    Outbox box;
    box.push(tx("StartTransaction", 1));
    box.push(tx("MeterValues", 1));
    box.push(tx("StopTransaction", 1));
    box.next(t0, true, false);
    box.resolve(1, 77);
    box.answered();
    drain(box);
    ASSERT_EQ(box.history().size(), 2u);
    EXPECT_EQ(box.history()[0].action, "StartTransaction");
    EXPECT_EQ(box.history()[1].payload.at("transactionId").as_int64(), 77);
    EXPECT_TRUE(box.history()[1].duplicate);
    // A duplicate goes as it is and is not recorded again.
    box.push(box.history()[1]);
    auto dup = box.next(t0, true, false);
    ASSERT_TRUE(dup);
    EXPECT_EQ(dup->payload.at("transactionId").as_int64(), 77);
    box.answered();
    EXPECT_EQ(box.history().size(), 2u);
}

TEST(OcppOutbox, AHeartbeatInFlightIsNotWaitingButAQueuedOneIs) {
    Outbox box;
    box.push(other("Heartbeat"));
    EXPECT_TRUE(box.waiting("Heartbeat"));
    box.next(t0, true, false);
    EXPECT_FALSE(box.waiting("Heartbeat"));
    box.push(other("Heartbeat"));
    EXPECT_TRUE(box.waiting("Heartbeat"));
    EXPECT_FALSE(box.waiting("StatusNotification"));
}

}  // namespace
}  // namespace kw::sim::ocpp
