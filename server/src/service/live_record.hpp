#pragma once
// A charger's live record in Redis (live/state.hpp: its boot, presence, each connector's order, the
// running state of its sessions) rebuilt from SQL after Redis lost it (restarted without its data),
// on the first message the charger sends afterwards, whichever it is. The loss shows as no boot id
// in Redis: the handlers already read the charger's record, so noticing it costs nothing, and the
// rebuild (a few SQL reads) happens once per charger. Without it a charger's meter values were
// refused as "before boot" until it booted again. Worker threads only; one charger's messages in
// order, as for every charger event.
#include <optional>
#include <string>
#include <vector>

#include "app/context.hpp"
#include "live/state.hpp"
#include "store/orders_repo.hpp"

namespace kw::service {

// Marks the charger seen now (online for heartbeat_s x missed_heartbeats) and reports the change
// (log, push) if it was offline.
void mark_seen(app::Context& ctx, const std::string& code, std::int64_t station_id, bool was_online);

// The connector -> order mapping of the charger's active orders (from SQL) and the running state of
// each started one that Redis has none of (service::running_restore).
void restore_sessions(app::Context& ctx, const std::string& code, const std::vector<store::Order>& active);

// The whole live record of a charger Redis has no boot id for: its boot as SQL recorded it, its
// sessions (restore_sessions), and presence (the message proves it is connected). Returns the
// record as it now stands, with an empty boot id if the charger never booted since SQL keeps boot
// ids; nullopt (and nothing written) for an unknown charger.
std::optional<live::ChargerLive> restore_live_record(app::Context& ctx, const std::string& code, bool was_online);

// The charger's live record, rebuilt first if Redis has lost it (one Redis read otherwise).
live::ChargerLive live_record(app::Context& ctx, const std::string& code);

// False for a heartbeat period (heartbeat_s x missed_heartbeats) after Redis came back empty (or was
// new): a charger without presence then is not known to be offline, only not heard from yet. One
// Redis round trip.
bool presence_known(app::Context& ctx, UtcMs now);

// At start: an empty Redis now counts as knowing presence (a new installation, or a Redis emptied
// while no instance ran), so only a loss noticed while running makes presence unknown. Throws if
// Redis is down (the first loss noticed then opens the window).
void start_presence_tracking(app::Context& ctx);

}  // namespace kw::service
