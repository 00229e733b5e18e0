#pragma once
// The alarms table: raised and cleared by service/charger_events.cpp, listed for the admin. Plain
// functions on a caller's session; worker threads only.
#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"

namespace kw::store {

struct AlarmRow {
    std::int64_t id = 0;
    std::int64_t charger_id = 0;
    std::string charger_code;  // joined; "" if the charger is gone
    int connector_no = 0;      // 0: the whole charger
    std::string code;
    std::string severity;  // info | warning | error
    std::string message;
    UtcMs raised_at = 0;
    std::optional<UtcMs> cleared_at;
};

struct AlarmFilter {
    std::optional<std::int64_t> charger_id;
    std::optional<bool> active;  // true: not cleared yet; false: cleared
};

// Newest first.
std::vector<AlarmRow> list_alarms(soci::session& sql, const AlarmFilter& f, std::int64_t limit,
                                  std::int64_t offset);
std::int64_t count_alarms(soci::session& sql, const AlarmFilter& f);

// A new alarm row (connector 0: the whole charger).
void raise_alarm(soci::session& sql, std::int64_t charger_id, int connector_no, const std::string& code,
                 const std::string& severity, const std::string& message, UtcMs raised_at);
// Clears every open alarm of that charger, connector and code.
void clear_alarm(soci::session& sql, std::int64_t charger_id, int connector_no, const std::string& code,
                 UtcMs cleared_at);

}  // namespace kw::store
