#include "device/mqtt/topics.hpp"

#include <array>
#include <utility>

#include "domain/validate.hpp"

namespace kw::device::mqtt {

namespace {

constexpr std::array<std::pair<std::string_view, Handler>, 11> kHandlers = {{
    {"boot", handle_boot},
    {"heartbeat", handle_heartbeat},
    {"status", handle_status},
    {"meter", handle_meter},
    {"tx", handle_tx},
    {"ack", handle_ack},
    {"fault", handle_fault},
    {"state", handle_state},
    {"authorize", handle_authorize},
    {"log", handle_log},
    {"pending", handle_pending},
}};

}  // namespace

std::size_t max_payload(std::string_view kind) {
    return kind == "ack" || kind == "log" ? kMaxLargePayload : kMaxPayload;
}

std::string command_topic(const std::string& code) { return std::string(kRoot) + code + "/cmd"; }
std::string ack_topic(const std::string& code) { return std::string(kRoot) + code + "/ack"; }
std::string approval_topic(const std::string& code) { return "kw/edge/approval/" + code; }

std::optional<TopicParts> parse_topic(std::string_view topic) {
    if (topic.substr(0, kRoot.size()) != kRoot) return std::nullopt;
    topic.remove_prefix(kRoot.size());
    auto slash = topic.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    TopicParts parts{std::string(topic.substr(0, slash)), std::string(topic.substr(slash + 1))};
    if (parts.kind.empty() || parts.kind.find('/') != std::string::npos) return std::nullopt;
    try {
        domain::validate_charger_code(parts.code);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    return parts;
}

std::vector<std::string> server_subscriptions(const std::string& share_group) {
    std::vector<std::string> out;
    for (const auto& [kind, handler] : kHandlers)
        out.push_back("$share/" + share_group + "/" + std::string(kRoot) + "+/" + std::string(kind));
    return out;
}

Handler handler_for(std::string_view kind) {
    for (const auto& [name, handler] : kHandlers)
        if (name == kind) return handler;
    return nullptr;
}

}  // namespace kw::device::mqtt
