#pragma once
// The rules of a charger's local authorisation list (OCPP SendLocalList; docs/ocpp.md): what a card
// is on the list, which list version a charger holds by the answers it gave, and which card changes
// must reach the chargers at once because they take access away. Pure functions, any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/clock.hpp"

namespace kw::domain {

// A card as a charger should answer for it offline: "blocked" (the card blocked, or its driver
// disabled), "expired" (its expiry passed at `now`), else "accepted". The wallet balance is not
// looked at: that is checked online, when the session is reported.
std::string_view local_list_status(std::string_view card_status, bool driver_active,
                                   std::optional<UtcMs> expires_at, UtcMs now);

// One answer of a charger about its list: to a send_local_list (its list_version) or to a
// get_local_list_version (the version it reported).
struct LocalListAnswer {
    enum class Kind { sent_list, asked_version };
    Kind kind = Kind::sent_list;
    bool accepted = false;
    std::string reason;  // the charger's reason when not accepted (version_mismatch, failed, ...)
    std::int64_t version = 0;
};
// The version the charger holds, from its answers newest first: the newest accepted list, or the
// newest version it reported; none when it reported no list (0 or -1), when it refused a list
// newer than that as a version mismatch (it holds something else: only a full list helps), or
// when nothing is known. Refusals other than a mismatch leave the list it had.
std::optional<std::int64_t> held_list_version(const std::vector<LocalListAnswer>& newest_first);

// What a card change is about, for the lists.
struct CardAccess {
    std::string status;  // active | blocked
    std::optional<UtcMs> expires_at;
};
// Whether a change of a card (or its driver's disabling, status becoming blocked) takes access away
// that a list already on the chargers grants: an active card blocked, or its expiry set or brought
// forward. Such a change is pushed to the chargers holding a list; anything else waits for the
// operator's next list.
bool takes_access_away(const CardAccess& before, const CardAccess& after);

}  // namespace kw::domain
