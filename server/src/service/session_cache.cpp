#include "service/session_cache.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>

#include "live/redis.hpp"

namespace kw::service {

namespace {
// Expired entries are dropped when the map has doubled since the last sweep, so it stays within
// twice the sessions seen in one TTL and a sweep costs O(1) per put on average.
constexpr std::size_t kMinSweep = 1024;
}  // namespace

SessionCache::SessionCache(std::int64_t ttl_ms, bool live)
    : ttl_ms_(ttl_ms), live_(live), sweep_at_(kMinSweep) {}

std::optional<Principal> SessionCache::get(const std::string& session, UtcMs now) const {
    std::shared_lock lock(mutex_);
    auto it = entries_.find(session);
    if (it == entries_.end() || now >= it->second.until) return std::nullopt;
    return it->second.who;
}

std::uint64_t SessionCache::generation() const {
    std::shared_lock lock(mutex_);
    return generation_;
}

void SessionCache::put(const std::string& session, const Principal& who, UtcMs now, UtcMs token_expires_at,
                       std::uint64_t generation) {
    if (ttl_ms_ <= 0) return;
    const UtcMs until = std::min(now + ttl_ms_, token_expires_at);
    if (until <= now) return;
    std::unique_lock lock(mutex_);
    if (!live_ || generation != generation_) return;
    entries_[session] = Entry{who, until};
    if (entries_.size() >= sweep_at_) sweep(now);
}

void SessionCache::forget(const std::string& session) {
    std::unique_lock lock(mutex_);
    entries_.erase(session);
    ++generation_;
}

void SessionCache::set_live(bool live) {
    std::unique_lock lock(mutex_);
    entries_.clear();
    ++generation_;
    live_ = live;
}

std::size_t SessionCache::size() const {
    std::shared_lock lock(mutex_);
    return entries_.size();
}

void SessionCache::sweep(UtcMs now) {
    std::erase_if(entries_, [now](const auto& kv) { return now >= kv.second.until; });
    sweep_at_ = std::max(kMinSweep, entries_.size() * 2);
}

std::string revoked_channel(const std::string& redis_prefix) { return redis_prefix + "revoked"; }

void sessions_revoked(app::Context& ctx, const std::vector<std::string>& sessions) {
    if (sessions.empty()) return;
    for (const auto& s : sessions) ctx.sessions.forget(s);
    if (!ctx.config.server.cluster) return;
    std::string payload;
    for (const auto& s : sessions) payload += (payload.empty() ? "" : ",") + s;
    try {
        ctx.redis.command({"PUBLISH", revoked_channel(ctx.config.redis.prefix), payload});
    } catch (const std::exception& e) {
        // The sessions are gone from Redis already. Redis failing here most likely fails the other
        // instances' subscriptions too, which empties their caches; at worst an entry lives out its
        // auth.session_cache_ms.
        spdlog::error("event=session_revocation_publish_failed count={} error=\"{}\"", sessions.size(),
                      e.what());
    }
}

void on_sessions_revoked(SessionCache& cache, const std::string& payload) {
    std::size_t start = 0;
    while (start <= payload.size()) {
        const std::size_t comma = std::min(payload.find(',', start), payload.size());
        if (comma > start) cache.forget(payload.substr(start, comma - start));
        start = comma + 1;
    }
}

}  // namespace kw::service
