#pragma once
// SQL for the append-only audit_log. Plain functions on a caller's session (worker threads only).
#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"

namespace kw::store {

struct AuditRow {
    std::int64_t id = 0;
    std::int64_t employee_id = 0;
    std::string employee_login;  // empty if the employee no longer exists
    std::string action;
    std::string target;
    std::string detail;  // JSON object text
    UtcMs created_at = 0;
};

std::int64_t insert_audit(soci::session& sql, std::int64_t employee_id, const std::string& action,
                          const std::string& target, const std::string& detail_json, UtcMs now);

struct AuditFilter {
    std::optional<std::int64_t> employee_id;
    std::optional<std::string> action;
    std::optional<UtcMs> from;  // inclusive
    std::optional<UtcMs> to;    // exclusive
};
// Newest first.
std::vector<AuditRow> list_audit(soci::session& sql, const AuditFilter& filter, std::int64_t limit,
                                 std::int64_t offset);
std::int64_t count_audit(soci::session& sql, const AuditFilter& filter);

}  // namespace kw::store
