#include "charge_point.hpp"

#include <charconv>

namespace kw::ocpp {

namespace {
constexpr std::string_view kTagPrefix = "KW-O";
}

std::string order_tag(std::int64_t order_id) { return std::string(kTagPrefix) + std::to_string(order_id); }

std::optional<std::int64_t> order_from_tag(std::string_view id_tag) {
    if (!id_tag.starts_with(kTagPrefix)) return std::nullopt;
    const std::string_view digits = id_tag.substr(kTagPrefix.size());
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec != std::errc() || end != digits.data() + digits.size() || id <= 0 || digits.front() == '0')
        return std::nullopt;
    return id;
}

}  // namespace kw::ocpp
