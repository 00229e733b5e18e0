#pragma once
// The staff dashboard's numbers: chargers online, connectors by status bucket, active sessions,
// settled totals per local day of the last `days` days in an IANA time zone, and the alarms list.
// Each call opens and releases its own session. Worker threads only.
#include <date/tz.h>

#include <cstdint>
#include <string>
#include <vector>

#include "app/context.hpp"
#include "domain/station_search.hpp"
#include "service/paged.hpp"
#include "store/alarms_repo.hpp"
#include "store/stats_repo.hpp"

namespace kw::service {

struct DayTotals {
    date::year_month_day day;
    store::SettledTotals totals;
};

struct Dashboard {
    std::int64_t chargers_online = 0;
    std::int64_t chargers_total = 0;
    domain::ConnectorCounts connectors;
    std::int64_t sessions_active = 0;
    std::vector<DayTotals> days;  // oldest first; the last one is today (local) up to now
};

Dashboard dashboard(app::Context& ctx, const date::time_zone& zone, int days);

Paged<store::AlarmRow> list_alarms(app::Context& ctx, const store::AlarmFilter& filter, std::int64_t limit,
                                   std::int64_t offset);

}  // namespace kw::service
