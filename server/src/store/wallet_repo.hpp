#pragma once
// SQL for the wallet: the drivers.balance_fen column (guarded update), the append-only
// wallet_ledger and the topups table. Plain functions on a caller's session (worker threads only).
// service/wallet.cpp is the only caller that changes a balance, always inside a transaction.
#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"

namespace kw::store {

// balance_fen += delta unless the result would be negative. False when nothing changed (no such
// driver or not enough money).
bool add_to_balance(soci::session& sql, std::int64_t driver_id, std::int64_t delta_fen, UtcMs now);
// nullopt when no such driver.
std::optional<std::int64_t> read_balance(soci::session& sql, std::int64_t driver_id);
// What starting a session checks about a driver; nullopt when no such driver.
struct DriverStanding {
    std::string status;  // active | disabled
    std::int64_t balance_fen = 0;
};
std::optional<DriverStanding> read_driver_standing(soci::session& sql, std::int64_t driver_id);

struct LedgerRow {
    std::int64_t id = 0;
    std::int64_t driver_id = 0;
    std::int64_t delta_fen = 0;
    std::int64_t balance_after_fen = 0;
    std::string reason;  // topup | charge | refund | adjust
    std::optional<std::int64_t> order_id;
    std::optional<std::int64_t> topup_id;
    std::optional<std::int64_t> employee_id;
    std::string note;
    UtcMs created_at = 0;
};
// Returns the new row's id (row.id is ignored).
std::int64_t insert_ledger(soci::session& sql, const LedgerRow& row);
// Newest first.
std::vector<LedgerRow> list_ledger(soci::session& sql, std::int64_t driver_id, std::int64_t limit,
                                   std::int64_t offset);
std::int64_t count_ledger(soci::session& sql, std::int64_t driver_id);

struct TopupRow {
    std::int64_t id = 0;
    std::int64_t driver_id = 0;
    std::int64_t amount_fen = 0;
    std::string provider;
    std::string provider_ref;
    std::string state;  // pending | paid | failed
    UtcMs created_at = 0;
    std::optional<UtcMs> paid_at;
};
std::int64_t insert_topup(soci::session& sql, std::int64_t driver_id, std::int64_t amount_fen,
                          const std::string& provider, const std::string& provider_ref, UtcMs now);
void set_topup_provider_ref(soci::session& sql, std::int64_t id, const std::string& provider_ref);
std::optional<TopupRow> find_topup(soci::session& sql, std::int64_t id);
// pending -> paid; false if it was not pending (already paid: the caller must not credit again).
bool mark_topup_paid(soci::session& sql, std::int64_t id, UtcMs now);

// Appended with the move of SQL out of service/wallet.cpp.
// pending -> failed (the payment provider refused to create the payment).
void mark_topup_failed(soci::session& sql, std::int64_t id);

}  // namespace kw::store
