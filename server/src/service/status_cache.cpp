#include "service/status_cache.hpp"

namespace kw::service {

std::optional<bool> StatusCache::get(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    if (std::chrono::steady_clock::now() - it->second.at >= ttl_) {
        entries_.erase(it);
        return std::nullopt;
    }
    return it->second.allowed;
}

void StatusCache::put(const std::string& key, bool allowed) {
    std::lock_guard lock(mutex_);
    // Bounded by the number of accounts that logged in; expired entries go on their next lookup.
    entries_[key] = Entry{allowed, std::chrono::steady_clock::now()};
}

void StatusCache::forget(const std::string& key) {
    std::lock_guard lock(mutex_);
    entries_.erase(key);
}

}  // namespace kw::service
