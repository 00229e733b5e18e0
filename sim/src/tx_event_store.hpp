#pragma once
// The charger's "flash" of transaction events: every tx event is kept until the server acknowledges
// it with tx_ack (tx_id, seq), and pending events are replayed oldest first after each reconnect.
// A bounded history of every event ever stored (acknowledged or not) backs the duplicate-tx test
// command. Pure data structure; owned by one Charger, used from its io_context thread only.
#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace kw::sim {

struct TxEvent {
    std::string tx_id;
    int seq = 0;
    std::string payload;  // the JSON published on kw/v1/<code>/tx
};

class TxEventStore {
  public:
    static constexpr std::size_t kDefaultHistory = 256;

    explicit TxEventStore(std::size_t history_limit = kDefaultHistory) : history_limit_(history_limit) {}

    // Stores the event as pending. An event whose (tx_id, seq) is already pending is not stored
    // twice: returns false.
    bool add(TxEvent event);
    // Forgets the pending event (tx_id, seq). Returns false when it was not pending (unknown, or
    // already acknowledged).
    bool ack(std::string_view tx_id, int seq);

    // Pending events, oldest first: the replay order.
    const std::deque<TxEvent>& pending() const { return pending_; }
    std::size_t pending_count() const { return pending_.size(); }
    // The last history_limit events ever stored, acknowledged ones included, oldest first.
    const std::deque<TxEvent>& history() const { return history_; }

  private:
    std::size_t history_limit_;
    std::deque<TxEvent> pending_;
    std::deque<TxEvent> history_;
};

}  // namespace kw::sim
