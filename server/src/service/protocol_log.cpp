#include "service/protocol_log.hpp"

#include <boost/json.hpp>

#include "domain/clock.hpp"
#include "domain/json_text.hpp"
#include "live/redis.hpp"

namespace kw::service {

namespace {

constexpr int kKeepSeconds = 7 * 24 * 3600;

std::string key(const app::Context& ctx, const std::string& code) {
    return ctx.config.redis.prefix + "protocol_log:" + code;
}

}  // namespace

void append_protocol_log(app::Context& ctx, const device::ProtocolLog& log) {
    if (log.entries.empty()) return;
    std::vector<std::string> push{"RPUSH", key(ctx, log.code)};
    for (const auto& e : log.entries)
        push.push_back(domain::to_json(boost::json::object{
            {"dir", e.from_charger ? "in" : "out"}, {"at", format_utc(e.at)}, {"frame", e.frame}}));
    const std::string k = key(ctx, log.code);
    live::require_ok(ctx.redis.pipeline({push,
                                         {"LTRIM", k, "-" + std::to_string(kProtocolLogKeep), "-1"},
                                         {"EXPIRE", k, std::to_string(kKeepSeconds)}})
                         .front());
}

std::vector<device::ProtocolLogEntry> protocol_log(app::Context& ctx, const std::string& code) {
    const auto reply = live::require_ok(ctx.redis.command({"LRANGE", key(ctx, code), "0", "-1"}));
    std::vector<device::ProtocolLogEntry> out;
    for (auto it = reply.elements.rbegin(); it != reply.elements.rend(); ++it) {
        boost::system::error_code ec;
        auto v = boost::json::parse(it->str, ec);
        if (ec || !v.is_object()) continue;
        const auto& o = v.as_object();
        out.push_back({o.at("dir").as_string() == "in", parse_utc(std::string(o.at("at").as_string())),
                       std::string(o.at("frame").as_string())});
    }
    return out;
}

}  // namespace kw::service
