#pragma once
// SQL for the schedules table (scheduled charging). States: pending -> firing -> fired | failed, or
// pending -> cancelled. Every state change is a conditional UPDATE so that several instances (and a
// restart in the middle) fire a schedule at most once. Plain functions on a caller's session
// (worker threads only); the caller decides the transaction.
#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"

namespace kw::store {

struct ScheduleRow {
    std::int64_t id = 0;
    std::int64_t driver_id = 0;
    std::string charger_code;
    int connector = 0;
    UtcMs start_at = 0;
    std::optional<std::int64_t> limit_wh, limit_fen, limit_minutes;
    std::string state;
    std::optional<std::string> fail_reason;
    std::optional<std::int64_t> order_id;
    UtcMs created_at = 0;
    UtcMs updated_at = 0;
};

struct NewSchedule {
    std::int64_t driver_id = 0;
    std::int64_t charger_id = 0;
    int connector = 0;
    UtcMs start_at = 0;
    std::optional<std::int64_t> limit_wh, limit_fen, limit_minutes;
};

// Inserts it 'pending'; returns its id.
std::int64_t insert_schedule(soci::session& sql, const NewSchedule& s, UtcMs now);
// Only the driver's own schedule.
std::optional<ScheduleRow> find_schedule(soci::session& sql, std::int64_t id, std::int64_t driver_id);
// Newest first.
std::vector<ScheduleRow> list_schedules(soci::session& sql, std::int64_t driver_id, std::int64_t limit,
                                        std::int64_t offset);
std::int64_t count_schedules(soci::session& sql, std::int64_t driver_id);
std::int64_t count_pending_schedules(soci::session& sql, std::int64_t driver_id);

// pending -> cancelled; false if it was not pending.
bool cancel_pending_schedule(soci::session& sql, std::int64_t id, UtcMs now);
// pending -> firing; false if another instance claimed it first (or it was cancelled).
bool claim_schedule(soci::session& sql, std::int64_t id, UtcMs now);
// A claimed schedule back to pending (its start could not be tried: something was down).
void release_schedule(soci::session& sql, std::int64_t id, UtcMs now);
// firing -> fired (order_id set) or failed (reason set).
void finish_schedule(soci::session& sql, std::int64_t id, const std::string& state,
                     const std::optional<std::string>& reason, const std::optional<std::int64_t>& order_id,
                     UtcMs now);

// Pending schedules whose start time has come, earliest first.
std::vector<ScheduleRow> due_schedules(soci::session& sql, UtcMs now, int limit);
// Ids of schedules left 'firing' since before `before` (an instance died while firing them).
std::vector<std::int64_t> stale_firing_schedules(soci::session& sql, UtcMs before, int limit);
// The order a schedule created, 0 if none.
std::int64_t order_of_schedule(soci::session& sql, std::int64_t schedule_id);

}  // namespace kw::store
