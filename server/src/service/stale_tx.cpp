#include "service/stale_tx.hpp"

#include <spdlog/spdlog.h>

#include "device/commands.hpp"
#include "domain/order_state.hpp"
#include "service/orders.hpp"
#include "store/db.hpp"
#include "store/transactions_repo.hpp"

namespace kw::service {

namespace {

std::string guard(const std::string& code, const std::string& tx_id) { return "tx:" + code + ":" + tx_id; }

}  // namespace

void stop_if_stale(app::Context& ctx, const std::string& code, int connector, const std::string& tx_id) {
    if (!stop_repeat_due(ctx, guard(code, tx_id))) return;
    std::optional<store::TxOrder> tx;
    {
        auto sql = ctx.db.read_session();
        tx = store::find_tx_order(*sql, code, tx_id);
    }
    // Unknown (its started event is still on its way, or it names no order of ours: the started
    // event's handling stops those), still active (the sweeper repeats a pending stop), or ended.
    if (!tx || domain::is_active(domain::order_state_from_string(tx->state)) || tx->ended_reported) return;
    const std::string reason = tx->stop_reason.value_or(std::string(domain::to_string(domain::StopReason::other)));
    spdlog::warn("event=stale_tx_stop code={} connector={} tx_id={} order={} state={} reason={}", code, connector,
                 tx_id, tx->order_id, tx->state, reason);
    ctx.commands.send(code, device::StopCommand{tx->order_id, connector, tx_id, reason});
}

void note_stop_sent(app::Context& ctx, const std::string& code, const std::string& tx_id) {
    stop_repeat_due(ctx, guard(code, tx_id));
}

}  // namespace kw::service
