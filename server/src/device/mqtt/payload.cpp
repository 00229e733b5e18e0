#include "device/mqtt/payload.hpp"

#include <boost/json.hpp>

namespace kw::device::mqtt {

UtcMs reported_time(const boost::json::object& payload) {
    auto it = payload.find("ts");
    if (it == payload.end() || !it->value().is_string()) return 0;
    try {
        return parse_utc(std::string(it->value().as_string()));
    } catch (const std::exception&) {
        return 0;
    }
}

}  // namespace kw::device::mqtt
