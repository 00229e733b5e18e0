#include "device/mqtt/correlation.hpp"

#include <charconv>

namespace kw::device::mqtt {

namespace {

constexpr CommandKind kKinds[] = {CommandKind::start,
                                  CommandKind::stop,
                                  CommandKind::reset,
                                  CommandKind::unlock,
                                  CommandKind::change_availability,
                                  CommandKind::get_configuration,
                                  CommandKind::set_configuration,
                                  CommandKind::trigger_message,
                                  CommandKind::clear_cache,
                                  CommandKind::send_local_list,
                                  CommandKind::get_local_list_version};

}  // namespace

// "o<order id>-start" for the commands about an order, "c<charger_commands id>-reset" for the others.
std::string correlation_id(const CommandId& id) {
    if (id.about_an_order()) return "o" + std::to_string(id.order_id) + "-" + std::string(to_string(id.kind));
    return "c" + std::to_string(id.record_id) + "-" + std::string(to_string(id.kind));
}

std::optional<CommandId> parse_correlation_id(std::string_view corr) {
    if (corr.size() < 4 || (corr.front() != 'o' && corr.front() != 'c')) return std::nullopt;
    const auto dash = corr.find('-');
    if (dash == std::string_view::npos || dash < 2) return std::nullopt;
    std::int64_t order_id = 0;
    const char* first = corr.data() + 1;
    const char* last = corr.data() + dash;
    auto [ptr, ec] = std::from_chars(first, last, order_id);
    if (ec != std::errc() || ptr != last || order_id < 0) return std::nullopt;
    const std::string_view kind = corr.substr(dash + 1);
    for (CommandKind k : kKinds) {
        if (to_string(k) != kind) continue;
        CommandId id{k};
        if (id.about_an_order() != (corr.front() == 'o')) return std::nullopt;
        (id.about_an_order() ? id.order_id : id.record_id) = order_id;
        return id;
    }
    return std::nullopt;
}

}  // namespace kw::device::mqtt
