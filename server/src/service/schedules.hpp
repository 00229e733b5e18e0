#pragma once
// Scheduled charging. Schedules live in SQL; the sweeper fires due ones. Firing is claimed with a
// conditional UPDATE (pending -> firing), so a schedule fires at most once even with several server
// instances or after a restart. Worker threads only.
#include <cstdint>
#include <string>

#include <boost/json/object.hpp>

#include "app/context.hpp"
#include "domain/schedule.hpp"

namespace kw::service {

struct ScheduleRequest {
    std::int64_t driver_id = 0;
    std::string charger_code;
    int connector = 0;
    UtcMs start_at = 0;
    domain::StopLimits limits;
};

boost::json::object create_schedule(app::Context& ctx, const ScheduleRequest& request);
boost::json::object list_schedules(app::Context& ctx, std::int64_t driver_id, std::int64_t limit, std::int64_t offset,
                                   std::int64_t* total_out, boost::json::array* items_out);
boost::json::object cancel_schedule(app::Context& ctx, std::int64_t driver_id, std::int64_t schedule_id);

// Fires every due schedule; returns how many it claimed.
int fire_due_schedules(app::Context& ctx);

}  // namespace kw::service
