#pragma once
// The transactions chargers report, by the charger's own id for them (tx_id): which order one
// belongs to and whether the charger has ended it. Plain functions over a soci::session; callers own
// transactions. Worker threads only. (The tx events themselves: orders_repo.hpp, record_tx_event.)
#include <cstdint>
#include <optional>
#include <string>

#include <soci/soci.h>

namespace kw::store {

struct TxOrder {
    std::int64_t order_id = 0;
    std::string state;
    std::optional<std::string> stop_reason;
    bool ended_reported = false;  // the charger's `ended` event for the transaction was applied
};
// The order whose transaction `tx_id` of charger `code` is (nullopt: none has it).
std::optional<TxOrder> find_tx_order(soci::session& sql, const std::string& code, const std::string& tx_id);

// A transaction that started for an order already closed (its start came after the start timeout):
// the order keeps the transaction's id, so that find_tx_order finds it. Orders with one keep theirs.
void record_late_tx(soci::session& sql, std::int64_t order_id, const std::string& tx_id);

}  // namespace kw::store
