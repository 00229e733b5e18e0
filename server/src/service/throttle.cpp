#include "service/throttle.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "domain/error.hpp"
#include "domain/throttle.hpp"
#include "live/redis.hpp"
#include "service/account_rules.hpp"

namespace kw::service {

namespace {

std::string key(const app::Context& ctx, const std::string& scope, const std::string& subject) {
    return ctx.config.redis.prefix + "throttle:" + scope + ":" + sha256_hex(subject);
}

std::int64_t to_int(const live::RedisReply& reply) {
    if (reply.type == live::RedisReply::Type::integer) return reply.integer;
    try {
        return reply.is_nil() ? 0 : std::stoll(reply.str);
    } catch (const std::exception&) {
        return 0;
    }
}

// Seconds to wait before the next attempt on the counter at `k` (a hash {n, last}).
std::int64_t wait_s(app::Context& ctx, const std::string& k, std::int64_t free_failures) {
    auto reply = live::require_ok(ctx.redis.command({"HMGET", k, "n", "last"}));
    if (reply.elements.size() != 2) return 0;
    return domain::backoff_wait_s(to_int(reply.elements[0]), free_failures, ctx.config.limits.login_max_delay_s,
                                  to_int(reply.elements[1]), ctx.clock.now());
}

void count_failure(app::Context& ctx, const std::string& k) {
    const auto& limits = ctx.config.limits;
    const std::int64_t ttl = std::max(limits.login_window_s, limits.login_max_delay_s);
    for (const auto& r : ctx.redis.pipeline({{"HINCRBY", k, "n", "1"},
                                             {"HSET", k, "last", std::to_string(ctx.clock.now())},
                                             {"EXPIRE", k, std::to_string(ttl)}}))
        live::require_ok(r);
}

[[noreturn]] void refuse(std::int64_t wait, const char* what) {
    throw Error(Errc::too_many_requests,
                std::string("too many ") + what + ", try again in " + std::to_string(wait) + " s", wait);
}

}  // namespace

void check_login_allowed(app::Context& ctx, const std::string& scope, const std::string& subject,
                         const std::string& address) {
    const auto& limits = ctx.config.limits;
    const std::int64_t account = wait_s(ctx, key(ctx, scope, subject), limits.login_free_failures);
    const std::int64_t client = wait_s(ctx, key(ctx, "ip", address), limits.ip_free_failures);
    const std::int64_t wait = std::max(account, client);
    if (wait > 0) {
        spdlog::info("event=login_throttled scope={} wait_s={} by={}", scope, wait, account >= client ? "account" : "address");
        refuse(wait, "failed sign-ins");
    }
}

void record_login_failure(app::Context& ctx, const std::string& scope, const std::string& subject,
                          const std::string& address) {
    count_failure(ctx, key(ctx, scope, subject));
    count_failure(ctx, key(ctx, "ip", address));
}

void clear_login_failures(app::Context& ctx, const std::string& scope, const std::string& subject) {
    live::require_ok(ctx.redis.command({"DEL", key(ctx, scope, subject)}));
}

void take_hourly_quota(app::Context& ctx, const std::string& name, const std::string& subject,
                       std::int64_t per_hour) {
    const std::string k = key(ctx, "quota:" + name, subject);
    auto replies = ctx.redis.pipeline({{"INCR", k}, {"EXPIRE", k, "3600", "NX"}, {"TTL", k}});
    for (const auto& r : replies) live::require_ok(r);
    if (replies[0].integer <= per_hour) return;
    spdlog::info("event=quota_exceeded name={} limit={}", name, per_hour);
    refuse(std::max<std::int64_t>(1, replies[2].integer), name == "topup" ? "top-ups" : "requests");
}

}  // namespace kw::service
