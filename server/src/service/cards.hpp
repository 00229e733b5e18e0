#pragma once
// RFID cards (充电卡): issued, blocked and expired by staff, seen and blocked by their driver, and
// checked when a charger asks (an OCPP Authorize, a start at the charger with the card: docs/ocpp.md).
// A start with a card creates an order on the card holder's wallet with the same guard as an app
// start (service/charger_tx.cpp). Worker threads only.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/context.hpp"
#include "device/events.hpp"
#include "store/cards_repo.hpp"

namespace kw::service {

// What a charger is told about an id tag (OCPP's idTagInfo status).
enum class CardStatus { accepted, blocked, expired, invalid, concurrent_tx };
std::string_view to_string(CardStatus status);

struct CardCheck {
    CardStatus status = CardStatus::invalid;
    std::int64_t driver_id = 0;        // accepted: who pays
    std::optional<UtcMs> expires_at;   // the card's expiry, if it has one
};

// invalid: no such card; blocked: the card or its driver is blocked/disabled, or the wallet is below
// orders.min_balance_fen; expired; concurrent_tx: the driver is charging already (with
// `for_start` false only: a start finds that out itself, as an app start does).
CardCheck check_card(app::Context& ctx, const std::string& id_tag, bool for_start = false);

// A card's uid as it is kept: 1 to 20 printable ASCII characters, upper case. Throws bad_request.
std::string normalize_card_uid(const std::string& uid);

store::CardRow issue_card(app::Context& ctx, std::int64_t employee_id, std::int64_t driver_id, const std::string& uid,
                          const std::string& label, std::optional<UtcMs> expires_at);
struct CardChange {
    std::optional<std::string> status;  // active | blocked
    std::optional<std::string> label;
    std::optional<std::optional<UtcMs>> expires_at;  // engaged with nullopt: never expires
};
store::CardRow change_card(app::Context& ctx, std::int64_t employee_id, std::int64_t card_id, const CardChange& change);
std::vector<store::CardRow> cards_of_driver(app::Context& ctx, std::int64_t driver_id);
// A driver blocks a card of theirs (lost or stolen); only staff unblock it. not_found for another's card.
store::CardRow block_own_card(app::Context& ctx, std::int64_t driver_id, std::int64_t card_id);

// A charger asks about an id tag: answered with authorize_result.
void apply_authorize(app::Context& ctx, const device::AuthorizeRequested& request);

}  // namespace kw::service
