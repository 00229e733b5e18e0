#pragma once
// The id_cards table (migration 008): RFID cards and the driver each one charges. Plain functions on
// a caller's session; worker threads only.
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
};

// Throws kw::Error(already_exists) when the uid is taken.
std::int64_t insert_card(soci::session& sql, const CardRow& card, UtcMs now);
std::optional<CardRow> find_card(soci::session& sql, std::int64_t id);
std::optional<CardRow> find_card_by_uid(soci::session& sql, const std::string& uid);
// Oldest first.
std::vector<CardRow> cards_of_driver(soci::session& sql, std::int64_t driver_id);
// Every card with whether its driver is active (for a charger's local authorisation list), at most
// `limit`; and the time of the latest change of any card (0: none), which versions that list.
struct LocalListCard {
    CardRow card;
    bool driver_active = false;
};
std::vector<LocalListCard> cards_for_local_list(soci::session& sql, std::int64_t limit);
UtcMs cards_changed_at(soci::session& sql);
// Writes status, label and expires_at of the row.
void update_card(soci::session& sql, const CardRow& card, UtcMs now);

}  // namespace kw::store
