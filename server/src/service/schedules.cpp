#include "service/schedules.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "domain/error.hpp"
#include "service/orders.hpp"
#include "store/charger_refs.hpp"
#include "store/db.hpp"
#include "store/schedules_repo.hpp"

namespace kw::service {

namespace {

boost::json::value jopt(const std::optional<std::int64_t>& v) {
    return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::json::object schedule_json(const store::ScheduleRow& r) {
    return {{"id", r.id},
            {"charger_code", r.charger_code},
            {"connector", r.connector},
            {"start_at", format_utc(r.start_at)},
            {"limits",
             {{"energy_wh", jopt(r.limit_wh)}, {"amount_fen", jopt(r.limit_fen)}, {"minutes", jopt(r.limit_minutes)}}},
            {"state", r.state},
            {"fail_reason", r.fail_reason ? boost::json::value(*r.fail_reason) : boost::json::value(nullptr)},
            {"order_id", jopt(r.order_id)},
            {"created_at", format_utc(r.created_at)},
            {"updated_at", format_utc(r.updated_at)}};
}

constexpr std::int64_t kMaxPending = 10;

}  // namespace

boost::json::object create_schedule(app::Context& ctx, const ScheduleRequest& req) {
    const UtcMs now = ctx.clock.now();
    domain::validate_schedule_start(now, req.start_at);
    domain::validate_limits(req.limits);
    auto sql = ctx.db.session();
    auto charger = store::find_charger_ref(*sql, req.charger_code);
    if (!charger) throw Error(Errc::not_found, "no such charger: " + req.charger_code);
    if (req.connector < 1 || !store::connector_exists(*sql, charger->id, req.connector))
        throw Error(Errc::not_found, "no such connector: " + std::to_string(req.connector));
    if (store::count_pending_schedules(*sql, req.driver_id) >= kMaxPending)
        throw Error(Errc::limit_reached, "at most 10 pending schedules");
    store::NewSchedule row;
    row.driver_id = req.driver_id;
    row.charger_id = charger->id;
    row.connector = req.connector;
    row.start_at = req.start_at;
    row.limit_wh = req.limits.energy_wh;
    row.limit_fen = req.limits.amount_fen;
    row.limit_minutes = req.limits.minutes;
    soci::transaction tr(*sql);
    const std::int64_t id = store::insert_schedule(*sql, row, now);
    tr.commit();
    spdlog::info("event=schedule_created schedule={} driver={} start_at={}", id, req.driver_id, format_utc(req.start_at));
    return schedule_json(*store::find_schedule(*sql, id, req.driver_id));
}

boost::json::object list_schedules(app::Context& ctx, std::int64_t driver_id, std::int64_t limit, std::int64_t offset,
                                   std::int64_t* total_out, boost::json::array* items_out) {
    auto sql = ctx.db.read_session();
    *total_out = store::count_schedules(*sql, driver_id);
    for (const auto& r : store::list_schedules(*sql, driver_id, limit, offset)) items_out->push_back(schedule_json(r));
    return {};
}

boost::json::object cancel_schedule(app::Context& ctx, std::int64_t driver_id, std::int64_t id) {
    auto sql = ctx.db.session();
    auto existing = store::find_schedule(*sql, id, driver_id);
    if (!existing) throw Error(Errc::not_found, "no such schedule");
    if (!store::cancel_pending_schedule(*sql, id, ctx.clock.now()))
        throw Error(Errc::invalid_state, "the schedule is already " + existing->state);
    return schedule_json(*store::find_schedule(*sql, id, driver_id));
}

namespace {
// How long after its time a schedule is still tried while the platform is unavailable.
constexpr std::int64_t kScheduleRetryMs = 5 * 60 * 1000;
}  // namespace

int fire_due_schedules(app::Context& ctx) {
    const UtcMs now = ctx.clock.now();
    std::vector<store::ScheduleRow> due;
    {
        auto sql = ctx.db.session();
        // A schedule left in 'firing' by a crashed instance: its order tells whether it fired.
        for (std::int64_t id : store::stale_firing_schedules(*sql, now - 60'000, 50)) {
            if (std::int64_t order_id = store::order_of_schedule(*sql, id))
                store::finish_schedule(*sql, id, "fired", std::nullopt, order_id, now);
            else  // it never started: tried again (or failed below if it is too late)
                store::release_schedule(*sql, id, now);
        }
        due = store::due_schedules(*sql, now, 50);
    }
    int fired = 0;
    for (const store::ScheduleRow& d : due) {
        {
            auto sql = ctx.db.session();
            if (!store::claim_schedule(*sql, d.id, now)) continue;  // another instance has it
            if (now - d.start_at > kScheduleRetryMs) {  // the platform was unavailable all this time
                store::finish_schedule(*sql, d.id, "failed",
                                       std::string("could not start within 5 minutes of its time"), std::nullopt, now);
                spdlog::warn("event=schedule_failed schedule={} reason=too_late", d.id);
                continue;
            }
        }
        ++fired;
        StartRequest req;
        req.driver_id = d.driver_id;
        req.charger_code = d.charger_code;
        req.connector = d.connector;
        req.limits.energy_wh = d.limit_wh;
        req.limits.amount_fen = d.limit_fen;
        req.limits.minutes = d.limit_minutes;
        req.schedule_id = d.id;
        try {
            store::Order order = start_order(ctx, req);
            auto sql = ctx.db.session();
            store::finish_schedule(*sql, d.id, "fired", std::nullopt, order.id, ctx.clock.now());
            spdlog::info("event=schedule_fired schedule={} order={}", d.id, order.id);
        } catch (const std::exception& e) {
            // Redis, the database or the broker down (or any error not the driver's): tried again on
            // the next pass, until kScheduleRetryMs after its time. A refusal (offline charger, busy
            // connector, low balance...) fails it with the reason.
            const auto* refusal = dynamic_cast<const Error*>(&e);
            const bool transient = !refusal || refusal->errc() == Errc::unavailable;
            auto sql = ctx.db.session();
            if (transient && ctx.clock.now() - d.start_at <= kScheduleRetryMs) {
                store::release_schedule(*sql, d.id, ctx.clock.now());
                spdlog::warn("event=schedule_retry schedule={} error=\"{}\"", d.id, e.what());
            } else {
                store::finish_schedule(*sql, d.id, "failed", std::string(e.what()), std::nullopt, ctx.clock.now());
                spdlog::info("event=schedule_failed schedule={} reason=\"{}\"", d.id, e.what());
            }
        }
    }
    return fired;
}

}  // namespace kw::service
