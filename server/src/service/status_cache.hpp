#pragma once
// StatusCache: remembers for a few seconds whether an account (driver or employee, with its role) may
// still act, so every authenticated request re-checks the account in SQL at most once per `ttl_ms`
// per account. Thread-safe. forget() drops one entry at once (disable, role change on this instance);
// other instances catch up within ttl_ms, and their tokens were revoked in Redis anyway.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace kw::service {

class StatusCache {
public:
    explicit StatusCache(std::int64_t ttl_ms) : ttl_(std::chrono::milliseconds(ttl_ms)) {}
    std::optional<bool> get(const std::string& key);
    void put(const std::string& key, bool allowed);
    void forget(const std::string& key);

private:
    struct Entry {
        bool allowed;
        std::chrono::steady_clock::time_point at;
    };
    const std::chrono::milliseconds ttl_;
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace kw::service
