#pragma once
// SessionCache: session id (the SHA-256 of a token) -> the principal its signed Redis record names,
// so an authenticated request needs no Redis round trip for its token. An entry lives at most
// auth.session_cache_ms and never past the token's own expiry in Redis. Thread-safe (any worker).
//
// Revocation stays immediate: the revoking instance forget()s at once, and with server.cluster every
// other instance receives the session ids on <prefix>revoked (main.cpp's subscriber calls
// on_sessions_revoked). A lookup that read Redis before a revocation cannot put the revoked session
// back: put() carries the generation() taken before the read and is dropped if anything was
// forgotten since. While an instance is not subscribed to that channel (starting, or its Redis
// connection lost) set_live(false) empties the cache and nothing is cached, since a revocation
// could be missed; every request then reads Redis as without the cache.
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/context.hpp"
#include "domain/clock.hpp"
#include "domain/principal.hpp"

namespace kw::service {

class SessionCache {
public:
    // ttl_ms 0 turns the cache off. `live`: whether revocations reach this instance from the start
    // (a single instance: they all happen here).
    SessionCache(std::int64_t ttl_ms, bool live);

    std::optional<Principal> get(const std::string& session, UtcMs now) const;
    std::uint64_t generation() const;
    // Caches until min(now + ttl, token_expires_at), unless the cache is off, not live, or something
    // was forgotten after `generation` was read.
    void put(const std::string& session, const Principal& who, UtcMs now, UtcMs token_expires_at,
             std::uint64_t generation);
    void forget(const std::string& session);
    // Revocations reach this instance (true) or may be missed (false); either way every entry goes.
    void set_live(bool live);
    std::size_t size() const;

private:
    struct Entry {
        Principal who;
        UtcMs until;
    };
    void sweep(UtcMs now);  // under the unique lock

    const std::int64_t ttl_ms_;
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
    std::uint64_t generation_ = 0;
    bool live_;
    std::size_t sweep_at_;
};

// Drops the sessions here and, with server.cluster, on every instance (one PUBLISH on
// revoked_channel). Called after the sessions were deleted from Redis.
void sessions_revoked(app::Context& ctx, const std::vector<std::string>& sessions);

// The channel of those revocations (payload: session ids separated by ','), and what a subscriber
// does with a message on it.
std::string revoked_channel(const std::string& redis_prefix);
void on_sessions_revoked(SessionCache& cache, const std::string& payload);

}  // namespace kw::service
