#include "service/command_repeats.hpp"

#include <string>
#include <vector>

#include "domain/order_state.hpp"
#include "live/redis.hpp"
#include "service/orders.hpp"
#include "store/db.hpp"
#include "store/orders_repo.hpp"

namespace kw::service {

namespace {

// The repeat guard's key (service::repeat_due), without the prefix.
std::string guard_key(domain::OrderState state, std::int64_t order_id) {
    const char* kind = state == domain::OrderState::starting ? "startrepeat:" : "stoprepeat:";
    return kind + std::to_string(order_id);
}

// Orders in `state` for at least every_s (their deadline is timeout_s after they entered it) get
// their command again, at most once per every_s across all instances.
void repeat(app::Context& ctx, UtcMs now, domain::OrderState state, std::int64_t timeout_s,
            std::int64_t every_s) {
    const std::int64_t slack_ms = (timeout_s - every_s) * 1000;
    if (slack_ms <= 0) return;  // the timeout comes first
    std::vector<std::int64_t> ids;
    {
        auto sql = ctx.db.session();
        ids = store::overdue_orders(*sql, state, now + slack_ms, 100);
    }
    for (const std::int64_t id : ids) {
        if (!repeat_due(ctx, guard_key(state, id), every_s))
            continue;  // repeated within every_s (here or by another instance), or acknowledged
        repeat_command(ctx, id);
    }
}

}  // namespace

void repeat_unconfirmed_commands(app::Context& ctx, UtcMs now) {
    const auto& cfg = ctx.config.orders;
    repeat(ctx, now, domain::OrderState::starting, cfg.start_timeout_s, kStartRepeatS);
    repeat(ctx, now, domain::OrderState::stopping, cfg.stop_timeout_s, kStopRepeatS);
}

void start_acknowledged(app::Context& ctx, std::int64_t order_id) {
    // The guard held for the whole start timeout: the sweeper's SET NX finds it and skips the order.
    const std::string key = ctx.config.redis.prefix + guard_key(domain::OrderState::starting, order_id);
    ctx.redis.command({"SET", key, "ack", "EX", std::to_string(ctx.config.orders.start_timeout_s)});
}

}  // namespace kw::service
