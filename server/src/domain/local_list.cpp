#include "domain/local_list.hpp"

#include <algorithm>

namespace kw::domain {

std::string_view local_list_status(std::string_view card_status, bool driver_active,
                                   std::optional<UtcMs> expires_at, UtcMs now) {
    if (card_status != "active" || !driver_active) return "blocked";
    if (expires_at && *expires_at <= now) return "expired";
    return "accepted";
}

std::optional<std::int64_t> held_list_version(const std::vector<LocalListAnswer>& newest_first) {
    // The highest version refused as a mismatch after (newer than) the answer being looked at.
    std::optional<std::int64_t> mismatched;
    for (const LocalListAnswer& a : newest_first) {
        if (!a.accepted) {
            if (a.kind == LocalListAnswer::Kind::sent_list && a.reason == "version_mismatch")
                mismatched = std::max(mismatched.value_or(a.version), a.version);
            continue;
        }
        if (a.version <= 0) return std::nullopt;  // no list (0), or no local list at all (-1)
        // A mismatch of a version the charger already had (two lists of one version raced) says
        // nothing new; one above it says the charger holds a list we do not know.
        if (mismatched && *mismatched > a.version) return std::nullopt;
        return a.version;
    }
    return std::nullopt;
}

bool takes_access_away(const CardAccess& before, const CardAccess& after) {
    if (before.status != "active") return false;  // nothing granted to take away
    if (after.status != "active") return true;
    if (!after.expires_at) return false;
    return !before.expires_at || *after.expires_at < *before.expires_at;
}

}  // namespace kw::domain
