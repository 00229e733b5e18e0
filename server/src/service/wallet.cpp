#include "service/wallet.hpp"

#include <spdlog/spdlog.h>

#include "app/context.hpp"
#include "domain/error.hpp"
#include "service/account_rules.hpp"
#include "service/payments.hpp"
#include "service/throttle.hpp"
#include "store/db.hpp"
#include "store/wallet_repo.hpp"

namespace kw::service {

namespace {

bool known_reason(const std::string& reason) {
    return reason == "topup" || reason == "charge" || reason == "refund" || reason == "adjust";
}

// At most 255 bytes (the column), cut on a UTF-8 character boundary.
std::string fit_note(const std::string& note) {
    if (note.size() <= 255) return note;
    std::size_t cut = 255;
    while (cut > 0 && (static_cast<unsigned char>(note[cut]) & 0xc0) == 0x80) --cut;
    return note.substr(0, cut);
}

}  // namespace

BalanceChange apply_balance_change(soci::session& sql, std::int64_t driver_id, std::int64_t delta_fen,
                                   const std::string& reason, std::optional<std::int64_t> order_id,
                                   std::optional<std::int64_t> topup_id,
                                   std::optional<std::int64_t> employee_id, const std::string& note,
                                   UtcMs now) {
    if (!known_reason(reason)) throw Error(Errc::internal, "unknown ledger reason: " + reason);
    // A zero change still gets its ledger row (a free session is still a charge), but MySQL would
    // report "0 rows affected" for an UPDATE that changes nothing, so it skips the UPDATE.
    if (delta_fen != 0 && !store::add_to_balance(sql, driver_id, delta_fen, now)) {
        auto current = store::read_balance(sql, driver_id);
        if (!current) throw Error(Errc::not_found, "no such driver");
        throw Error(Errc::insufficient_balance, "the balance of " + std::to_string(*current) +
                                                    " fen does not cover " + std::to_string(-delta_fen) +
                                                    " fen");
    }
    auto after = store::read_balance(sql, driver_id);
    if (!after) throw Error(Errc::not_found, "no such driver");
    store::LedgerRow row;
    row.driver_id = driver_id;
    row.delta_fen = delta_fen;
    row.balance_after_fen = *after;
    row.reason = reason;
    row.order_id = order_id;
    row.topup_id = topup_id;
    row.employee_id = employee_id;
    row.note = fit_note(note);
    row.created_at = now;
    BalanceChange out{*after, store::insert_ledger(sql, row)};
    spdlog::info("event=balance_changed driver_id={} delta_fen={} balance_fen={} reason={} ledger_id={}",
                 driver_id, delta_fen, out.balance_fen, reason, out.ledger_id);
    return out;
}

std::int64_t change_balance(soci::session& sql, std::int64_t driver_id, std::int64_t delta_fen,
                            const std::string& reason, std::optional<std::int64_t> order_id,
                            std::optional<std::int64_t> topup_id, std::optional<std::int64_t> employee_id,
                            const std::string& note, UtcMs now) {
    return apply_balance_change(sql, driver_id, delta_fen, reason, order_id, topup_id, employee_id, note, now)
        .balance_fen;
}

std::int64_t balance(soci::session& sql, std::int64_t driver_id) {
    auto b = store::read_balance(sql, driver_id);
    if (!b) throw Error(Errc::not_found, "no such driver");
    return *b;
}

std::int64_t balance(app::Context& ctx, std::int64_t driver_id) {
    auto s = ctx.db.read_session();
    return balance(*s, driver_id);
}

CreatedTopup create_topup(app::Context& ctx, std::int64_t driver_id, std::int64_t amount_fen) {
    validate_topup_amount(amount_fen);
    take_hourly_quota(ctx, "topup", std::to_string(driver_id), ctx.config.limits.topups_per_driver_per_hour);
    const std::string provider = ctx.payments.name();
    auto s = ctx.db.session();
    soci::session& sql = *s;
    // The provider's reference needs our id, so the row starts with a unique placeholder reference.
    std::int64_t id =
        store::insert_topup(sql, driver_id, amount_fen, provider, "new_" + random_hex(16), ctx.clock.now());
    CreatedTopup out;
    try {
        PaymentProvider::Created created = ctx.payments.create(id, amount_fen);
        store::set_topup_provider_ref(sql, id, created.provider_ref);
        out.client_params = std::move(created.client_params);
    } catch (...) {
        store::mark_topup_failed(sql, id);
        throw;
    }
    auto row = store::find_topup(sql, id);
    if (!row) throw Error(Errc::internal, "top-up vanished");
    out.topup = *row;
    spdlog::info("event=topup_created topup_id={} driver_id={} amount_fen={} provider={}", id, driver_id,
                 amount_fen, provider);
    return out;
}

PaidTopup pay_sandbox_topup(app::Context& ctx, std::int64_t driver_id, std::int64_t topup_id,
                            const std::string& sign) {
    if (!ctx.config.payments.sandbox) throw Error(Errc::not_found, "the sandbox payment provider is off");
    auto s = ctx.db.session();
    soci::session& sql = *s;
    soci::transaction tx(sql);
    const UtcMs now = ctx.clock.now();
    auto row = store::find_topup(sql, topup_id);
    if (!row || row->driver_id != driver_id) throw Error(Errc::not_found, "no such top-up");
    if (row->provider != "sandbox") throw Error(Errc::conflict, "this top-up is not a sandbox payment");
    if (!ctx.payments.sandbox_sign_valid(topup_id, row->amount_fen, row->provider_ref, sign))
        throw Error(Errc::forbidden, "the payment signature does not match this top-up");
    if (!store::mark_topup_paid(sql, topup_id, now))
        throw Error(Errc::invalid_state, "this top-up is already " + row->state);
    PaidTopup out;
    out.balance_fen = change_balance(sql, driver_id, row->amount_fen, "topup", std::nullopt, topup_id,
                                     std::nullopt, "sandbox " + row->provider_ref, now);
    out.topup = *store::find_topup(sql, topup_id);
    tx.commit();
    spdlog::info("event=topup_paid topup_id={} driver_id={} amount_fen={} balance_fen={}", topup_id,
                 driver_id, row->amount_fen, out.balance_fen);
    return out;
}

}  // namespace kw::service
