// The OCPP 2.0.1 offline queue: TransactionEvents in the charger's outbox, replayed in seqNo order
// after a connection loss and dropped only when answered.
#include <gtest/gtest.h>

#include <vector>

#include "ocpp201_messages.hpp"
#include "ocpp_outbox.hpp"

namespace kw::sim::ocpp {
namespace {

using namespace std::chrono_literals;
using Time = Outbox::Time;

const Time t0 = Time{} + 1000s;
const WallTime w0 = WallTime{} + std::chrono::hours(24 * 365 * 56);

OutgoingCall event(std::string_view type, std::int64_t seq, bool offline, int local_tx = 1,
                   std::string_view tx_id = "tx-a") {
    ocpp201::TxEvent e;
    e.type = type;
    e.ts = w0 + std::chrono::seconds(seq);
    e.trigger = "MeterValuePeriodic";
    e.seq_no = seq;
    e.transaction_id = tx_id;
    e.evse = 1;
    e.offline = offline;
    return OutgoingCall{"TransactionEvent", ocpp201::transaction_event(e), true, local_tx};
}

std::int64_t seq_of(const Outbox::Sending& s) { return s.payload.at("seqNo").as_int64(); }

TEST(Ocpp201OfflineQueue, TransactionEventsGoWithoutWaitingForACentralTransactionId) {
    Outbox box;
    box.push(event("Started", 0, false));
    auto s = box.next(t0, true, false);
    ASSERT_TRUE(s);
    box.answered();
    box.push(event("Updated", 1, false));
    s = box.next(t0, true, false);  // no resolve(): a 2.0.1 station names its own transaction
    ASSERT_TRUE(s);
    EXPECT_EQ(seq_of(*s), 1);
    EXPECT_FALSE(s->payload.contains("transactionId"));
}

TEST(Ocpp201OfflineQueue, EventsQueuedOfflineAreReplayedInSeqNoOrderBeforeNewerMessages) {
    Outbox box;
    box.push(event("Started", 0, false));
    ASSERT_TRUE(box.next(t0, true, false));
    box.connection_lost();  // Started was in flight: unanswered
    box.push(event("Updated", 1, true));
    box.push(event("Updated", 2, true));
    box.push(event("Ended", 3, true));
    EXPECT_FALSE(box.next(t0, false, false)) << "nothing before the link is back";
    box.push(OutgoingCall{"StatusNotification", {}});  // after the reconnect
    std::vector<std::int64_t> seqs;
    std::vector<bool> offline;
    while (auto s = box.next(t0, true, false)) {
        if (s->action == "StatusNotification") {
            EXPECT_EQ(seqs.size(), 4u) << "the queued events go first";
            box.answered();
            continue;
        }
        seqs.push_back(seq_of(*s));
        offline.push_back(s->payload.contains("offline") && s->payload.at("offline").as_bool());
        box.answered();
    }
    EXPECT_EQ(seqs, (std::vector<std::int64_t>{0, 1, 2, 3}));
    EXPECT_EQ(offline, (std::vector<bool>{false, true, true, true}));
    EXPECT_EQ(box.transaction_messages(), 0u);
}

TEST(Ocpp201OfflineQueue, AnEventLeavesTheQueueOnlyWithItsAnswer) {
    Outbox box;
    box.push(event("Ended", 5, true));
    box.push(event("Started", 0, false, 2, "tx-b"));
    auto s = box.next(t0, true, false);
    ASSERT_TRUE(s);
    // No answer in time, or a CALLERROR: the charger counts every 2.0.1 failure as retryable.
    EXPECT_EQ(box.failed(t0, true, 3, 10s), Outbox::Failure::kRetry);
    EXPECT_EQ(box.transaction_messages(), 2u);
    EXPECT_FALSE(box.next(t0 + 9s, true, false)) << "waits for its back-off, and nothing overtakes it";
    for (int attempt = 2; attempt <= 5; ++attempt) {
        s = box.next(t0 + 3600s * attempt, true, false);
        ASSERT_TRUE(s);
        EXPECT_EQ(seq_of(*s), 5);
        EXPECT_EQ(s->attempt, attempt);
        EXPECT_EQ(box.failed(t0 + 3600s * attempt, true, 3, 10s), Outbox::Failure::kRetry);
    }
    s = box.next(t0 + 36000s, true, false);
    ASSERT_TRUE(s);
    EXPECT_EQ(seq_of(*s), 5);
    box.answered();
    s = box.next(t0 + 36000s, true, false);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->payload.at("transactionInfo").at("transactionId").as_string(), "tx-b");
}

TEST(Ocpp201OfflineQueue, TheQueueTellsWhetherItHoldsEventsOfATransaction) {
    Outbox box;
    box.push(event("Ended", 3, true, 1, "tx-a"));
    EXPECT_TRUE(box.holds_transaction("tx-a"));
    EXPECT_FALSE(box.holds_transaction("tx-b"));
    ASSERT_TRUE(box.next(t0, true, false));
    EXPECT_TRUE(box.holds_transaction("tx-a")) << "in flight is still queued";
    box.answered();
    EXPECT_FALSE(box.holds_transaction("tx-a"));
}

TEST(Ocpp201OfflineQueue, StartedAndEndedAreKeptForDuplicateTxUpdatedAreNot) {
    Outbox box;
    box.push(event("Started", 0, false));
    box.push(event("Updated", 1, false));
    box.push(event("Ended", 2, false));
    while (box.next(t0, true, false)) box.answered();
    ASSERT_EQ(box.history().size(), 2u);
    EXPECT_EQ(box.history()[0].payload.at("eventType").as_string(), "Started");
    EXPECT_EQ(box.history()[1].payload.at("eventType").as_string(), "Ended");
    EXPECT_TRUE(box.history()[0].duplicate);
}

}  // namespace
}  // namespace kw::sim::ocpp
