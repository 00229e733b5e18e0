#include "service/verification.hpp"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include "domain/error.hpp"
#include "domain/validate.hpp"
#include "live/redis.hpp"
#include "service/account_rules.hpp"
#include "service/sms.hpp"
#include "service/throttle.hpp"

namespace kw::service {

namespace {

std::string code_key(const app::Context& ctx, const std::string& phone, const std::string& purpose) {
    return ctx.config.redis.prefix + "sms:" + purpose + ":" + sha256_hex(phone);
}

std::string code_mac(const app::Context& ctx, const std::string& phone, const std::string& code) {
    return hmac_sha256_hex(ctx.token_key, "sms|" + phone + "|" + code);
}

// 6 digits, uniform: 32 random bits, redrawn in the rare case they fall past the last whole million.
std::string six_digits() {
    for (;;) {
        const unsigned long v = std::stoul(random_hex(4), nullptr, 16);
        if (v >= 4'294'000'000UL) continue;
        std::string out = std::to_string(v % 1'000'000);
        return std::string(6 - out.size(), '0') + out;
    }
}

void check_purpose(const std::string& purpose) {
    if (purpose != "register") throw Error(Errc::bad_request, "field 'purpose' must be register");
}

}  // namespace

CodeSent request_sms_code(app::Context& ctx, const std::string& phone, const std::string& purpose,
                          const std::string& address) {
    check_purpose(purpose);
    if (!domain::valid_cn_mobile(phone))
        throw Error(Errc::bad_request, "field 'phone' is not a valid mobile number");
    const auto& sms = ctx.config.sms;
    const std::string key = code_key(ctx, phone, purpose);
    const std::string resend_key = key + ":resend";
    live::RedisReply guard;  // nil: a code went out within resend_s
    guard.type = live::RedisReply::Type::status;
    if (sms.resend_s > 0)
        guard = live::require_ok(ctx.redis.command({"SET", resend_key, "1", "NX", "EX", std::to_string(sms.resend_s)}));
    if (guard.is_nil()) {
        const auto ttl = live::require_ok(ctx.redis.command({"TTL", resend_key})).integer;
        const std::int64_t wait = std::max<long long>(1, ttl);
        throw Error(Errc::too_many_requests, "a code was sent just now, ask again in " + std::to_string(wait) + " s",
                    wait);
    }
    take_hourly_quota(ctx, "sms_phone", phone, ctx.config.limits.sms_per_phone_per_hour);
    take_hourly_quota(ctx, "sms_ip", address, ctx.config.limits.sms_per_ip_per_hour);
    const std::string code = six_digits();
    for (const auto& r : ctx.redis.pipeline({{"DEL", key},
                                             {"HSET", key, "mac", code_mac(ctx, phone, code), "wrong", "0"},
                                             {"EXPIRE", key, std::to_string(sms.code_ttl_s)}}))
        live::require_ok(r);
    ctx.sms.send_code(phone, purpose, code);
    spdlog::info("event=sms_code_sent phone={} purpose={}", domain::mask_phone(phone), purpose);
    return CodeSent{sms.code_ttl_s, sms.resend_s};
}

void consume_sms_code(app::Context& ctx, const std::string& phone, const std::string& purpose,
                      const std::string& code) {
    check_purpose(purpose);
    const std::string key = code_key(ctx, phone, purpose);
    auto stored = live::require_ok(ctx.redis.command({"HGET", key, "mac"}));
    if (stored.is_nil() || code.empty())
        throw Error(Errc::invalid_sms_code, "the verification code is wrong or has expired");
    const std::string mac = code_mac(ctx, phone, code);
    if (mac.size() == stored.str.size() && CRYPTO_memcmp(mac.data(), stored.str.data(), mac.size()) == 0) {
        live::require_ok(ctx.redis.command({"DEL", key}));
        return;
    }
    const auto wrong = live::require_ok(ctx.redis.command({"HINCRBY", key, "wrong", "1"})).integer;
    if (wrong >= ctx.config.sms.max_attempts) {
        live::require_ok(ctx.redis.command({"DEL", key}));
        spdlog::info("event=sms_code_burnt phone={} purpose={}", domain::mask_phone(phone), purpose);
    }
    throw Error(Errc::invalid_sms_code, "the verification code is wrong or has expired");
}

}  // namespace kw::service
