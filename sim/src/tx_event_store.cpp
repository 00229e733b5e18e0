#include "tx_event_store.hpp"

#include <algorithm>

namespace kw::sim {

bool TxEventStore::add(TxEvent event) {
    const auto same = [&](const TxEvent& e) { return e.tx_id == event.tx_id && e.seq == event.seq; };
    if (std::any_of(pending_.begin(), pending_.end(), same)) return false;
    if (history_limit_ > 0) {
        history_.push_back(event);
        while (history_.size() > history_limit_) history_.pop_front();
    }
    pending_.push_back(std::move(event));
    return true;
}

bool TxEventStore::ack(std::string_view tx_id, int seq) {
    const auto it = std::find_if(pending_.begin(), pending_.end(),
                                 [&](const TxEvent& e) { return e.tx_id == tx_id && e.seq == seq; });
    if (it == pending_.end()) return false;
    pending_.erase(it);
    return true;
}

}  // namespace kw::sim
