#include "service/pending_stations.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>

#include "device/commands.hpp"
#include "domain/error.hpp"
#include "domain/json_text.hpp"
#include "live/redis.hpp"
#include "service/audit.hpp"
#include "service/chargers.hpp"

namespace kw::service {

namespace json = boost::json;

namespace {

std::string key(const app::Context& ctx) { return ctx.config.redis.prefix + "ocpp:pending"; }

std::string to_text(const PendingStation& s) {
    return domain::to_json(json::object{{"code", s.code},
                                        {"protocol", s.protocol},
                                        {"vendor", s.vendor},
                                        {"model", s.model},
                                        {"serial", s.serial},
                                        {"firmware", s.firmware},
                                        {"first_seen", s.first_seen},
                                        {"last_seen", s.last_seen},
                                        {"boots", s.boots}});
}

std::optional<PendingStation> from_text(const std::string& text) {
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object()) return std::nullopt;
    const auto& o = v.as_object();
    auto str = [&](const char* k) {
        const auto* x = o.if_contains(k);
        return x && x->is_string() ? std::string(x->as_string()) : std::string();
    };
    auto num = [&](const char* k) {
        const auto* x = o.if_contains(k);
        return x && x->is_int64() ? x->as_int64() : std::int64_t{0};
    };
    return PendingStation{str("code"), str("protocol"),  str("vendor"),    str("model"),
                          str("serial"), str("firmware"), num("first_seen"), num("last_seen"), num("boots")};
}

std::optional<PendingStation> find(app::Context& ctx, const std::string& code) {
    const auto reply = live::require_ok(ctx.redis.command({"HGET", key(ctx), code}));
    if (reply.is_nil()) return std::nullopt;
    return from_text(reply.str);
}

}  // namespace

void record_pending_station(app::Context& ctx, const PendingStation& hello, UtcMs at) {
    if (find_charger_by_code(ctx, hello.code)) {
        // The broker refused a known charger: its password is wrong (or an impostor uses its code).
        spdlog::warn("event=ocpp_pending_known_code code={} vendor=\"{}\" serial=\"{}\"", hello.code, hello.vendor,
                     hello.serial);
        return;
    }
    PendingStation s = hello;
    if (auto old = find(ctx, hello.code)) {
        s.first_seen = old->first_seen;
        s.boots = old->boots + 1;
    } else {
        const auto count = live::require_ok(ctx.redis.command({"HLEN", key(ctx)})).integer;
        if (count >= static_cast<long long>(kMaxPendingStations)) {
            spdlog::warn("event=ocpp_pending_list_full code={} listed={}", hello.code, count);
            return;
        }
        s.first_seen = at;
        s.boots = 1;
    }
    s.last_seen = at;
    live::require_ok(ctx.redis.command({"HSET", key(ctx), s.code, to_text(s)}));
    spdlog::info("event=ocpp_pending code={} vendor=\"{}\" model=\"{}\" boots={}", s.code, s.vendor, s.model, s.boots);
}

std::vector<PendingStation> list_pending_stations(app::Context& ctx) {
    const auto reply = live::require_ok(ctx.redis.command({"HGETALL", key(ctx)}));
    const UtcMs now = ctx.clock.now();
    std::vector<PendingStation> out;
    std::vector<std::string> forget{"HDEL", key(ctx)};
    for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
        auto s = from_text(reply.elements[i + 1].str);
        if (!s || now - s->last_seen > kPendingForgetMs)
            forget.push_back(reply.elements[i].str);
        else
            out.push_back(std::move(*s));
    }
    if (forget.size() > 2) ctx.redis.command(forget);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.last_seen > b.last_seen; });
    return out;
}

std::pair<std::int64_t, MqttCredentials> approve_pending_station(app::Context& ctx, std::int64_t employee_id,
                                                                 NewCharger c) {
    auto pending = find(ctx, c.code);
    if (!pending) throw Error(Errc::not_found, "no charge point " + c.code + " waits for approval");
    c.protocol = pending->protocol;
    auto created = create_charger(ctx, employee_id, c);
    ctx.redis.command({"HDEL", key(ctx), c.code});
    // The edge holding it sets the password as its AuthorizationKey; it then logs in as the charger.
    ctx.commands.send(c.code, device::StationApproved{created.second.password});
    audit(ctx, employee_id, "charger.approve", "charger:" + std::to_string(created.first),
          {{"code", c.code}, {"vendor", pending->vendor}, {"model", pending->model}, {"serial", pending->serial}});
    spdlog::info("event=ocpp_pending_approved code={} charger_id={} employee_id={}", c.code, created.first,
                 employee_id);
    return created;
}

void dismiss_pending_station(app::Context& ctx, std::int64_t employee_id, const std::string& code) {
    const auto removed = live::require_ok(ctx.redis.command({"HDEL", key(ctx), code})).integer;
    if (removed == 0) throw Error(Errc::not_found, "no charge point " + code + " waits for approval");
    audit(ctx, employee_id, "ocpp.dismiss_pending", "pending:" + code, {{"code", code}});
    spdlog::info("event=ocpp_pending_dismissed code={} employee_id={}", code, employee_id);
}

}  // namespace kw::service
