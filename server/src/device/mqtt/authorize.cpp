// kw/v1/<code>/authorize: may this id tag (an RFID card) charge? Answered with authorize_result.
#include "device/mqtt/topics.hpp"
#include "domain/json_fields.hpp"
#include "service/cards.hpp"

namespace kw::device::mqtt {

void handle_authorize(app::Context& ctx, const std::string& code, const boost::json::object& p, UtcMs) {
    AuthorizeRequested r;
    r.code = code;
    r.corr = domain::require_string(p, "corr", 100);
    r.id_tag = domain::require_string(p, "id_tag", 64);
    service::apply_authorize(ctx, r);
}

}  // namespace kw::device::mqtt
