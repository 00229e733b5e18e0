#include "service/cards.hpp"

#include <spdlog/spdlog.h>

#include <cctype>

#include "device/commands.hpp"
#include "domain/error.hpp"
#include "domain/local_list.hpp"
#include "service/audit.hpp"
#include "service/local_list.hpp"
#include "store/db.hpp"
#include "store/drivers_repo.hpp"
#include "store/wallet_repo.hpp"

namespace kw::service {

std::string_view to_string(CardStatus status) {
    switch (status) {
        case CardStatus::accepted: return "accepted";
        case CardStatus::blocked: return "blocked";
        case CardStatus::expired: return "expired";
        case CardStatus::invalid: return "invalid";
        case CardStatus::concurrent_tx: return "concurrent_tx";
    }
    return "invalid";
}

std::string normalize_card_uid(const std::string& uid) {
    std::string out;
    for (char c : uid) {
        if (c < 0x21 || c > 0x7e) throw Error(Errc::bad_request, "a card uid is printable ASCII without spaces");
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (out.empty() || out.size() > 20) throw Error(Errc::bad_request, "a card uid is 1 to 20 characters");
    // Kilowatt's own per-order tags (docs/ocpp.md) are never a card.
    if (out.starts_with("KW-O")) throw Error(Errc::bad_request, "card uids starting with KW-O are reserved");
    return out;
}

CardCheck check_card(app::Context& ctx, const std::string& id_tag, bool for_start) {
    std::string uid;
    try {
        uid = normalize_card_uid(id_tag);
    } catch (const Error&) {
        return {};
    }
    auto sql = ctx.db.read_session();
    auto card = store::find_card_by_uid(*sql, uid);
    if (!card) return {};
    CardCheck c{CardStatus::accepted, card->driver_id, card->expires_at};
    if (card->status != "active") {
        c.status = CardStatus::blocked;
    } else if (card->expires_at && *card->expires_at <= ctx.clock.now()) {
        c.status = CardStatus::expired;
    } else {
        auto driver = store::read_driver_standing(*sql, card->driver_id);
        if (!driver || driver->status != "active" || driver->balance_fen < ctx.config.orders.min_balance_fen) {
            c.status = CardStatus::blocked;
        } else if (!for_start && store::driver_active_order(*sql, card->driver_id)) {
            c.status = CardStatus::concurrent_tx;
        }
    }
    if (c.status != CardStatus::accepted) c.driver_id = 0;
    return c;
}

store::CardRow issue_card(app::Context& ctx, std::int64_t employee_id, std::int64_t driver_id, const std::string& uid,
                          const std::string& label, std::optional<UtcMs> expires_at) {
    store::CardRow card;
    card.uid = normalize_card_uid(uid);
    card.driver_id = driver_id;
    card.label = label;
    card.status = "active";
    card.expires_at = expires_at;
    const UtcMs now = ctx.clock.now();
    auto sql = ctx.db.session();
    soci::transaction tr(*sql);
    if (!store::read_driver_standing(*sql, driver_id)) throw Error(Errc::not_found, "no such driver");
    card.id = store::insert_card(*sql, card, now);
    audit(*sql, employee_id, "card.issue", "card:" + std::to_string(card.id), {{"uid", card.uid}, {"driver_id", driver_id}},
          now);
    tr.commit();
    return *store::find_card(*sql, card.id);
}

store::CardRow change_card(app::Context& ctx, std::int64_t employee_id, std::int64_t card_id, const CardChange& change) {
    const UtcMs now = ctx.clock.now();
    std::optional<store::CardRow> card;
    domain::CardAccess before;
    {
        auto sql = ctx.db.session();
        soci::transaction tr(*sql);
        card = store::find_card(*sql, card_id);
        if (!card) throw Error(Errc::not_found, "no such card");
        before = {card->status, card->expires_at};
        boost::json::object details;
        if (change.status) {
            if (*change.status != "active" && *change.status != "blocked")
                throw Error(Errc::bad_request, "field 'status' must be active or blocked");
            card->status = *change.status;
            details["status"] = *change.status;
        }
        if (change.label) {
            card->label = *change.label;
            details["label"] = *change.label;
        }
        if (change.expires_at) {
            card->expires_at = *change.expires_at;
            details["expires_at"] = *change.expires_at ? boost::json::value(format_utc(**change.expires_at)) : nullptr;
        }
        store::update_card(*sql, *card, now);
        audit(*sql, employee_id, "card.change", "card:" + std::to_string(card_id), details, now);
        tr.commit();
        card = store::find_card(*sql, card_id);
    }
    // A lost card must stop working at chargers that authorise offline from their local list.
    if (const domain::CardAccess after{card->status, card->expires_at}; domain::takes_access_away(before, after))
        push_local_list_revocation(ctx, employee_id, after.status != "active" ? "card_blocked" : "card_expiry");
    return *card;
}

std::vector<store::CardRow> cards_of_driver(app::Context& ctx, std::int64_t driver_id) {
    auto sql = ctx.db.read_session();
    if (!store::read_driver_standing(*sql, driver_id)) throw Error(Errc::not_found, "no such driver");
    return store::cards_of_driver(*sql, driver_id);
}

store::CardRow block_own_card(app::Context& ctx, std::int64_t driver_id, std::int64_t card_id) {
    std::optional<store::CardRow> card;
    bool blocked_now = false;
    {
        auto sql = ctx.db.session();
        soci::transaction tr(*sql);  // the card's row and its list version together
        card = store::find_card(*sql, card_id);
        if (!card || card->driver_id != driver_id) throw Error(Errc::not_found, "no such card");
        if (card->status != "blocked") {
            card->status = "blocked";
            store::update_card(*sql, *card, ctx.clock.now());
            blocked_now = true;
        }
        tr.commit();
        card = store::find_card(*sql, card_id);
    }
    if (blocked_now) {
        spdlog::info("event=card_blocked_by_driver card={} driver={}", card_id, driver_id);
        push_local_list_revocation(ctx, 0, "card_blocked_by_driver");
    }
    return *card;
}

void apply_authorize(app::Context& ctx, const device::AuthorizeRequested& r) {
    const CardCheck c = check_card(ctx, r.id_tag);
    spdlog::info("event=card_authorize code={} status={}", r.code, to_string(c.status));
    ctx.commands.send(r.code, device::AuthorizeResult{r.corr, r.id_tag, std::string(to_string(c.status)), c.expires_at,
                                                              c.driver_id});
}

}  // namespace kw::service
