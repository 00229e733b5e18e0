// Passwords (argon2id) and session tokens in Redis:
//   <prefix>token:<sha256 hex of token>   "<principal>|<HMAC(token_key, hash|principal)>", principal
//                                         "driver:42" | "admin:1" | ...   EX = the role's token TTL
//   <prefix>tokens:<driver|employee>:<id> set of that principal's token hashes, so disabling an
//                                         account (or resetting its password) revokes every token.
//   <prefix>wsticket:<sha256 of ticket>   the session id it stands for             EX = ws_ticket_ttl_s
// The plain token is never stored or logged; only its SHA-256 reaches Redis.
#include "service/auth.hpp"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <vector>

#include "domain/error.hpp"
#include "domain/permissions.hpp"
#include "live/redis.hpp"
#include "service/account_rules.hpp"
#include "service/session_cache.hpp"
#include "service/status_cache.hpp"
#include "store/db.hpp"
#include "store/drivers_repo.hpp"
#include "store/employees_repo.hpp"
#include "ws/push.hpp"

namespace kw::service {

namespace {

// OWASP's argon2id minimum: 19 MiB, 2 iterations, 1 lane.
constexpr std::uint32_t kTimeCost = 2;
constexpr std::uint32_t kMemoryKiB = 19456;
constexpr std::uint32_t kLanes = 1;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
constexpr std::size_t kTokenBytes = 32;

bool looks_like_token(const std::string& token) {
    if (token.size() != kTokenBytes * 2) return false;
    for (char c : token) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

std::string token_key(const app::Context& ctx, const std::string& token_hash) {
    return ctx.config.redis.prefix + "token:" + token_hash;
}

std::string token_set_key(const app::Context& ctx, const Principal& who) {
    // Keyed by "employee", not the role, so a role change still finds the tokens of the old role.
    return ctx.config.redis.prefix + "tokens:" + (who.is_staff() ? "employee:" : "driver:") +
           std::to_string(who.id);
}

std::int64_t ttl_s(const app::Context& ctx, const Principal& who) {
    return who.is_staff() ? ctx.config.auth.staff_token_ttl_s : ctx.config.auth.driver_token_ttl_s;
}

std::vector<unsigned char> random_bytes(std::size_t n) {
    std::vector<unsigned char> out(n);
    if (RAND_bytes(out.data(), static_cast<int>(n)) != 1)
        throw Error(Errc::internal, "random number generator failed");
    return out;
}

void check_all(const std::vector<live::RedisReply>& replies) {
    for (const auto& r : replies) live::require_ok(r);
}

std::string signature(const app::Context& ctx, const std::string& session, const std::string& principal) {
    return hmac_sha256_hex(ctx.token_key, session + "|" + principal);
}

// "<principal>|<signature>" -> the principal, if the signature is ours for this session.
std::optional<Principal> verify_record(const app::Context& ctx, const std::string& session,
                                       const std::string& record) {
    const auto bar = record.find('|');
    if (bar == std::string::npos) return std::nullopt;
    const std::string principal = record.substr(0, bar);
    const std::string given = record.substr(bar + 1);
    const std::string expected = signature(ctx, session, principal);
    if (given.size() != expected.size() || CRYPTO_memcmp(given.data(), expected.data(), given.size()) != 0) {
        spdlog::warn("event=session_signature_invalid principal={}", principal);
        return std::nullopt;
    }
    return decode_principal(principal);
}

// Whether the account behind `who` may still act: a driver that is active, an employee that is
// enabled and still has the role the token was issued for.
bool account_may_act(app::Context& ctx, const Principal& who) {
    const std::string key = encode_principal(who);
    if (auto cached = ctx.account_status.get(key)) return *cached;
    bool allowed = false;
    {
        auto s = ctx.db.read_session();
        if (who.is_staff()) {
            auto row = store::find_employee(*s, who.id);
            allowed = row && row->enabled && row->role == domain::to_string(who.role);
        } else {
            auto row = store::find_driver(*s, who.id);
            allowed = row && row->status == "active";
        }
    }
    ctx.account_status.put(key, allowed);
    return allowed;
}

// After the sessions were deleted from Redis: no instance's cache may still accept them, and their
// WebSockets close.
void announce_revoked(app::Context& ctx, const std::vector<std::string>& sessions) {
    sessions_revoked(ctx, sessions);
    for (const auto& session : sessions) ctx.push.publish(ws::session_channel(session), "revoked", "{}");
}

}  // namespace

std::string hash_password(const std::string& password) {
    std::vector<unsigned char> salt = random_bytes(kSaltBytes);
    std::size_t encoded_len =
        argon2_encodedlen(kTimeCost, kMemoryKiB, kLanes, kSaltBytes, kHashBytes, Argon2_id);
    std::string encoded(encoded_len, '\0');
    int rc = argon2id_hash_encoded(kTimeCost, kMemoryKiB, kLanes, password.data(), password.size(),
                                   salt.data(), salt.size(), kHashBytes, encoded.data(), encoded.size());
    if (rc != ARGON2_OK)
        throw Error(Errc::internal, std::string("argon2id failed: ") + argon2_error_message(rc));
    encoded.resize(encoded.find('\0'));  // encoded_len counts the terminating NUL
    return encoded;
}

bool verify_password(const std::string& encoded_hash, const std::string& password) {
    if (encoded_hash.rfind("$argon2id$", 0) != 0) return false;
    return argon2id_verify(encoded_hash.c_str(), password.data(), password.size()) == ARGON2_OK;
}

IssuedToken issue_token(app::Context& ctx, const Principal& who) {
    IssuedToken out;
    out.token = random_hex(kTokenBytes);
    const std::string hash = sha256_hex(out.token);
    const std::int64_t ttl = ttl_s(ctx, who);
    const std::string set_key = token_set_key(ctx, who);
    // The set lives as long as the newest token in it; stale members only cost a DEL of a missing key.
    check_all(ctx.redis.pipeline({
        {"SET", token_key(ctx, hash), encode_principal(who) + "|" + signature(ctx, hash, encode_principal(who)), "EX",
         std::to_string(ttl)},
        {"SADD", set_key, hash},
        {"EXPIRE", set_key, std::to_string(ttl)},
    }));
    out.expires_at = ctx.clock.now() + ttl * 1000;
    return out;
}

std::string session_id(const std::string& token) { return sha256_hex(token); }

std::optional<Principal> authenticate(app::Context& ctx, const std::string& token) {
    if (!looks_like_token(token)) return std::nullopt;
    return authenticate_session(ctx, session_id(token));
}

std::optional<Principal> authenticate_session(app::Context& ctx, const std::string& session) {
    const UtcMs now = ctx.clock.now();
    std::optional<Principal> who = ctx.sessions.get(session, now);
    if (!who) {
        // Taken before the read, so a revocation landing while Redis answers keeps it out of the cache.
        const std::uint64_t generation = ctx.sessions.generation();
        const std::string key = token_key(ctx, session);
        auto replies = ctx.redis.pipeline({{"GET", key}, {"PTTL", key}});
        check_all(replies);
        if (replies[0].is_nil()) return std::nullopt;
        who = verify_record(ctx, session, replies[0].str);
        if (!who) return std::nullopt;
        // PTTL is the token's remaining life in ms (negative: no expiry or already gone).
        if (replies[1].integer > 0)
            ctx.sessions.put(session, *who, now, now + replies[1].integer, generation);
    }
    // The account check has its own cache (auth.status_cache_ms): a session entry never outlives it.
    if (!account_may_act(ctx, *who)) return std::nullopt;
    return who;
}

void revoke_token(app::Context& ctx, const std::string& token) {
    if (!looks_like_token(token)) return;
    const std::string hash = session_id(token);
    const std::string key = token_key(ctx, hash);
    auto reply = live::require_ok(ctx.redis.command({"GET", key}));
    if (auto who = verify_record(ctx, hash, reply.str)) {
        check_all(ctx.redis.pipeline({{"DEL", key}, {"SREM", token_set_key(ctx, *who), hash}}));
    } else {
        live::require_ok(ctx.redis.command({"DEL", key}));
    }
    announce_revoked(ctx, {hash});
}

void revoke_all_tokens(app::Context& ctx, const Principal& who) {
    const std::string set_key = token_set_key(ctx, who);
    auto members = live::require_ok(ctx.redis.command({"SMEMBERS", set_key}));
    std::vector<std::vector<std::string>> dels;
    for (const auto& m : members.elements) dels.push_back({"DEL", token_key(ctx, m.str)});
    dels.push_back({"DEL", set_key});
    check_all(ctx.redis.pipeline(dels));
    std::vector<std::string> sessions;
    for (const auto& m : members.elements) sessions.push_back(m.str);
    announce_revoked(ctx, sessions);
    if (who.is_staff()) {
        for (Role role : {Role::admin, Role::operator_, Role::maintainer})
            ctx.account_status.forget(encode_principal(Principal{role, who.id}));
    } else {
        ctx.account_status.forget(encode_principal(who));
    }
    spdlog::info("event=tokens_revoked principal={} count={}", encode_principal(who),
                 members.elements.size());
}

WsTicket issue_ws_ticket(app::Context& ctx, const std::string& token) {
    WsTicket out;
    out.ticket = random_hex(kTokenBytes);
    out.expires_in_s = ctx.config.auth.ws_ticket_ttl_s;
    live::require_ok(ctx.redis.command({"SET", ctx.config.redis.prefix + "wsticket:" + sha256_hex(out.ticket),
                               session_id(token), "EX", std::to_string(out.expires_in_s)}));
    return out;
}

std::optional<std::string> redeem_ws_ticket(app::Context& ctx, const std::string& ticket) {
    if (!looks_like_token(ticket)) return std::nullopt;
    auto reply = live::require_ok(ctx.redis.command({"GETDEL", ctx.config.redis.prefix + "wsticket:" + sha256_hex(ticket)}));
    if (reply.is_nil() || reply.str.empty()) return std::nullopt;
    return reply.str;
}

}  // namespace kw::service
