#include "tx_event_store.hpp"

#include <gtest/gtest.h>

namespace kw::sim {
namespace {

TxEvent ev(std::string tx, int seq) { return TxEvent{tx, seq, tx + "#" + std::to_string(seq)}; }

std::vector<std::string> payloads(const std::deque<TxEvent>& q) {
    std::vector<std::string> out;
    for (const auto& e : q) out.push_back(e.payload);
    return out;
}

TEST(TxEventStore, ReplaysPendingEventsOldestFirst) {
    TxEventStore s;
    s.add(ev("A", 1));
    s.add(ev("B", 1));
    s.add(ev("A", 2));
    EXPECT_EQ(payloads(s.pending()), (std::vector<std::string>{"A#1", "B#1", "A#2"}));
}

TEST(TxEventStore, AckRemovesOnlyThatEvent) {
    TxEventStore s;
    s.add(ev("A", 1));
    s.add(ev("A", 2));
    s.add(ev("B", 1));
    EXPECT_TRUE(s.ack("A", 2));
    EXPECT_EQ(payloads(s.pending()), (std::vector<std::string>{"A#1", "B#1"}));
    EXPECT_EQ(s.pending_count(), 2u);
}

TEST(TxEventStore, AckNeedsBothTxIdAndSeq) {
    TxEventStore s;
    s.add(ev("A", 1));
    EXPECT_FALSE(s.ack("A", 2));
    EXPECT_FALSE(s.ack("B", 1));
    EXPECT_EQ(s.pending_count(), 1u);
}

TEST(TxEventStore, RepeatedAckIsHarmless) {
    TxEventStore s;
    s.add(ev("A", 1));
    s.add(ev("A", 2));
    EXPECT_TRUE(s.ack("A", 1));
    EXPECT_FALSE(s.ack("A", 1));
    EXPECT_EQ(payloads(s.pending()), (std::vector<std::string>{"A#2"}));
}

TEST(TxEventStore, DuplicateEventIsStoredOnce) {
    TxEventStore s;
    EXPECT_TRUE(s.add(ev("A", 1)));
    EXPECT_FALSE(s.add(ev("A", 1)));
    EXPECT_EQ(s.pending_count(), 1u);
    EXPECT_EQ(s.history().size(), 1u);
}

TEST(TxEventStore, AckedEventsStayInHistoryForDuplicateReplay) {
    TxEventStore s;
    s.add(ev("A", 1));
    s.add(ev("A", 2));
    s.ack("A", 1);
    s.ack("A", 2);
    EXPECT_EQ(s.pending_count(), 0u);
    EXPECT_EQ(payloads(s.history()), (std::vector<std::string>{"A#1", "A#2"}));
}

TEST(TxEventStore, HistoryIsBoundedButPendingIsNot) {
    TxEventStore s(3);
    for (int i = 1; i <= 5; ++i) s.add(ev("T", i));
    EXPECT_EQ(payloads(s.history()), (std::vector<std::string>{"T#3", "T#4", "T#5"}));
    EXPECT_EQ(s.pending_count(), 5u);
    EXPECT_EQ(s.pending().front().payload, "T#1");
}

TEST(TxEventStore, EventsAddedAfterAnAckQueueBehindOlderPendingOnes) {
    TxEventStore s;
    s.add(ev("A", 1));
    s.add(ev("A", 2));
    s.ack("A", 1);
    s.add(ev("B", 1));
    s.add(ev("B", 2));
    EXPECT_EQ(payloads(s.pending()), (std::vector<std::string>{"A#2", "B#1", "B#2"}));
}

}  // namespace
}  // namespace kw::sim
