#pragma once
// The chargers' local authorisation lists (OCPP SendLocalList; docs/ocpp.md): what a full or a
// differential list carries and its version, which version a charger holds (by its answers in
// charger_commands), and the differential update pushed to the chargers holding a list when a card
// loses its access. Worker threads only.
#include <cstdint>
#include <optional>
#include <string_view>

#include "app/context.hpp"
#include "device/commands.hpp"

namespace kw::service {

// A local authorisation list longer than this is refused (conflict): chargers hold a few thousand.
inline constexpr std::int64_t kMaxLocalList = 5'000;

// The list version the charger holds by its answers (domain::held_list_version); none: not known.
std::optional<std::int64_t> held_local_list_version(app::Context& ctx, std::int64_t charger_id);

// Fills `list` (its `differential` says which) for the charger: every card, or the cards changed
// since the version the charger holds (returned), each with its status; and the list's version, the
// highest version of any card in it. Throws kw::Error(conflict): more than kMaxLocalList cards; for
// a differential update, the version the charger holds is not known (send a full list first), or
// it is the newest already (nothing to send), or it is newer than ours (send a full list).
std::optional<std::int64_t> fill_local_list(app::Context& ctx, std::int64_t charger_id,
                                            device::SendLocalListCommand& list, UtcMs now);

// After a change that takes cards' access away (domain::takes_access_away: blocked, expiry brought
// forward, driver disabled): a differential update to every online charger that holds a list of
// ours, each a charger_commands row of `employee_id` (0: the system, e.g. a driver blocking their
// own card) with params.trigger = `why`. Never throws: a charger that cannot take it is logged and
// skipped (the operator's next full list covers it), the card change stands. Returns how many sent.
int push_local_list_revocation(app::Context& ctx, std::int64_t employee_id, std::string_view why);

}  // namespace kw::service
