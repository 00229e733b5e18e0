#pragma once
// The id_cards table (migrations 008, 009): RFID cards and the driver each one charges, and the
// version of the local authorisation lists each change took. Plain functions on a caller's session
// (inside its transaction when writing: a write takes the next list version); worker threads only.
#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"

namespace kw::store {

struct CardRow {
    std::int64_t id = 0;
    std::string uid;  // upper case
    std::int64_t driver_id = 0;
    std::string label;
    std::string status;  // active | blocked
    std::optional<UtcMs> expires_at;
    UtcMs created_at = 0;
    UtcMs updated_at = 0;
    std::int64_t list_version = 0;  // the list version of its latest change
};

// Throws kw::Error(already_exists) when the uid is taken.
std::int64_t insert_card(soci::session& sql, const CardRow& card, UtcMs now);
std::optional<CardRow> find_card(soci::session& sql, std::int64_t id);
std::optional<CardRow> find_card_by_uid(soci::session& sql, const std::string& uid);
// Oldest first.
std::vector<CardRow> cards_of_driver(soci::session& sql, std::int64_t driver_id);
// The cards changed after list version `since` (0: every card) with whether its driver is active (for
// a charger's local authorisation list), at most `limit`, ordered by id; and the highest list version
// of any card (0: no card).
struct LocalListCard {
    CardRow card;
    bool driver_active = false;
};
std::vector<LocalListCard> cards_for_local_list(soci::session& sql, std::int64_t since, std::int64_t limit);
std::int64_t cards_list_version(soci::session& sql);
// Writes status, label and expires_at of the row, with the next list version.
void update_card(soci::session& sql, const CardRow& card, UtcMs now);
// The driver's cards take the next list version (the driver was disabled or enabled, which the lists
// show); returns how many cards the driver has.
std::int64_t touch_cards_of_driver(soci::session& sql, std::int64_t driver_id);

}  // namespace kw::store
