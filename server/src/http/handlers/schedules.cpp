// Scheduled charging: a driver's own schedules.
#include <boost/json.hpp>

#include "domain/error.hpp"
#include "http/handlers/handlers.hpp"
#include "service/schedules.hpp"

namespace kw::http::handlers {

Response schedule_create(Call& call) {
    const auto body = parse_object(call.req.body);
    service::ScheduleRequest req;
    req.driver_id = call.principal().id;
    req.charger_code = require_string(body, "charger_code", 32);
    const std::int64_t connector = require_int(body, "connector");
    if (connector < 1 || connector > 64) throw Error(Errc::bad_request, "field 'connector' must be between 1 and 64");
    req.connector = static_cast<int>(connector);
    req.start_at = parse_utc(require_string(body, "start_at", 40));
    req.limits = parse_limits(body);
    return json_response(service::create_schedule(call.ctx, req), 201);
}

Response schedules_list(Call& call) {
    const Page page = query_page(call.req);
    std::int64_t total = 0;
    boost::json::array items;
    service::list_schedules(call.ctx, call.principal().id, page.size, page.offset(), &total, &items);
    return json_response(page_body(std::move(items), total, page));
}

Response schedule_cancel(Call& call) {
    return json_response(service::cancel_schedule(call.ctx, call.principal().id, path_id(call.req, "id")));
}

}  // namespace kw::http::handlers
