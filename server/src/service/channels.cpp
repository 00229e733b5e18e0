#include "service/channels.hpp"

#include <charconv>

#include "store/db.hpp"
#include "store/orders_repo.hpp"

namespace kw::service {

std::string authorize_channel(app::Context& ctx, const Principal& who, const std::string& channel) {
    auto colon = channel.find(':');
    const std::string kind = channel.substr(0, colon);
    const std::string rest = colon == std::string::npos ? std::string() : channel.substr(colon + 1);
    if (kind == "dashboard" && colon == std::string::npos) return who.is_staff() ? "" : "forbidden";
    if (rest.empty()) return "not_found";
    if (kind == "connector" || kind == "charger" || kind == "station") return "";
    if (kind != "order") return "not_found";
    std::int64_t id = 0;
    auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), id);
    if (ec != std::errc() || ptr != rest.data() + rest.size() || id <= 0) return "not_found";
    if (who.is_staff()) return "";
    auto sql = ctx.db.read_session();
    auto order = store::find_order(*sql, id);
    // Someone else's order looks exactly like a missing one.
    if (!order || order->driver_id != who.id) return "not_found";
    return "";
}

}  // namespace kw::service
