#pragma once
// The driver's wallet: the only code that changes drivers.balance_fen, always together with a
// wallet_ledger row, inside the caller's open soci::transaction (charging settles orders through
// it in its own transactions). Worker threads only.
#include <soci/soci.h>

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "domain/clock.hpp"
#include "store/wallet_repo.hpp"

namespace kw::app {
struct Context;
}

namespace kw::service {

// Adds delta_fen (negative debits) to the driver's balance and appends the ledger row with the
// balance after it. reason: topup | charge | refund | adjust. Must run inside an open transaction.
// Throws kw::Error(insufficient_balance) if the balance would go negative (nothing changed) and
// kw::Error(not_found) if there is no such driver. Returns the new balance.
std::int64_t change_balance(soci::session& sql, std::int64_t driver_id, std::int64_t delta_fen,
                            const std::string& reason, std::optional<std::int64_t> order_id,
                            std::optional<std::int64_t> topup_id, std::optional<std::int64_t> employee_id,
                            const std::string& note, UtcMs now);

// The same, also telling the id of the ledger row it wrote.
struct BalanceChange {
    std::int64_t balance_fen = 0;
    std::int64_t ledger_id = 0;
};
BalanceChange apply_balance_change(soci::session& sql, std::int64_t driver_id, std::int64_t delta_fen,
                                   const std::string& reason, std::optional<std::int64_t> order_id,
                                   std::optional<std::int64_t> topup_id,
                                   std::optional<std::int64_t> employee_id, const std::string& note,
                                   UtcMs now);

// The current balance; kw::Error(not_found) if there is no such driver.
std::int64_t balance(soci::session& sql, std::int64_t driver_id);
std::int64_t balance(app::Context& ctx, std::int64_t driver_id);

// Top-ups through ctx.payments. amount 100..1,000,000 fen; at most limits.topups_per_driver_per_hour.
struct CreatedTopup {
    store::TopupRow topup;
    boost::json::object client_params;
};
CreatedTopup create_topup(app::Context& ctx, std::int64_t driver_id, std::int64_t amount_fen);

// The sandbox provider's "payment": pending -> paid and the wallet credited (reason topup), in one
// transaction, exactly once, and only with the `sign` create() handed out (forbidden otherwise).
// not_found if the sandbox is off, the top-up is unknown or another driver's; conflict if it is not
// pending (already paid) or belongs to another provider.
struct PaidTopup {
    store::TopupRow topup;
    std::int64_t balance_fen = 0;
};
PaidTopup pay_sandbox_topup(app::Context& ctx, std::int64_t driver_id, std::int64_t topup_id,
                            const std::string& sign);

}  // namespace kw::service
