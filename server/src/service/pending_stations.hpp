#pragma once
// OCPP charge points waiting for the operator's approval (docs/ocpp.md, "Charge points waiting for
// approval"): an edge started with --pending-unknown holds a charge point the broker does not know
// and announces it at each BootNotification (device/mqtt/pending.cpp). They are kept in Redis (live
// data: a station not heard of for a day drops off the list) until approved, which creates the
// charger and sends its new password to the edge as the station's AuthorizationKey, or dismissed.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "app/context.hpp"
#include "service/network.hpp"

namespace kw::service {

struct PendingStation {
    std::string code, protocol, vendor, model, serial, firmware;
    UtcMs first_seen = 0, last_seen = 0;
    std::int64_t boots = 0;  // BootNotifications answered Pending so far
};

inline constexpr std::size_t kMaxPendingStations = 1000;      // more are not listed (logged)
inline constexpr std::int64_t kPendingForgetMs = 24 * 3600 * 1000LL;  // not heard of for this long

// A charge point's announcement. A code that is already a charger's is not listed: that charger's
// password was wrong (logged as such).
void record_pending_station(app::Context& ctx, const PendingStation& hello, UtcMs at);
// Newest first.
std::vector<PendingStation> list_pending_stations(app::Context& ctx);
// Creates the charger (c.code is the pending code, c.protocol its protocol), drops it from the list
// and tells the edges its password; -> the charger's id and one-time credentials. not_found when the
// code is not waiting.
std::pair<std::int64_t, MqttCredentials> approve_pending_station(app::Context& ctx, std::int64_t employee_id,
                                                                 NewCharger c);
// not_found when the code is not waiting.
void dismiss_pending_station(app::Context& ctx, std::int64_t employee_id, const std::string& code);

}  // namespace kw::service
