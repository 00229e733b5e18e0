#include "service/audit.hpp"

#include <spdlog/spdlog.h>

#include "domain/json_text.hpp"
#include "store/audit_repo.hpp"
#include "store/db.hpp"

namespace kw::service {

void audit(soci::session& sql, std::int64_t employee_id, const std::string& action, const std::string& target,
           const boost::json::object& detail, UtcMs now) {
    std::int64_t id =
        store::insert_audit(sql, employee_id, action, target, domain::to_json(detail), now);
    spdlog::info("event=audit id={} employee_id={} action={} target={}", id, employee_id, action, target);
}

void audit(app::Context& ctx, std::int64_t employee_id, const std::string& action, const std::string& target,
           const boost::json::object& detail) {
    auto sql = ctx.db.session();
    audit(*sql, employee_id, action, target, detail, ctx.clock.now());
}

}  // namespace kw::service
