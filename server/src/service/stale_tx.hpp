#pragma once
// A charger still running a transaction of an order the server has closed (the stop timeout settled
// it while the charger was unreachable; a start that came after the start timeout cancelled it) is
// told to stop it: otherwise the energy is free and the connector refuses every new start. Meter
// samples (and tx updated events) name the transaction; the meter path calls this for one that no
// running session on its connector accounts for. Worker threads only.
#include <string>

#include "app/context.hpp"

namespace kw::service {

// Looks the transaction up in SQL; if its order is closed and the charger has not reported it ended,
// sends a stop for it (logged event=stale_tx_stop). At most once per kStopRepeatS per transaction,
// across instances (service::stop_repeat_due): the lookup too, so a charger that goes on reporting
// it costs one SQL read per kStopRepeatS. The charger's ended event for it then changes nothing (the
// order is closed): it is acknowledged, as any.
void stop_if_stale(app::Context& ctx, const std::string& code, int connector, const std::string& tx_id);

// Marks a stop just sent for the transaction by other means (the answer to a started event that
// came after its order closed) as its stop for kStopRepeatS, so the meter samples in flight with it
// do not send another.
void note_stop_sent(app::Context& ctx, const std::string& code, const std::string& tx_id);

}  // namespace kw::service
