#pragma once
// The one clock abstraction. Time is UTC milliseconds since the Unix epoch everywhere
// (SQL columns *_at, Redis, MQTT payloads as ISO-8601). Tests move a ManualClock instead of sleeping.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace kw {

using UtcMs = std::int64_t;

class Clock {
public:
    virtual ~Clock() = default;
    virtual UtcMs now() const = 0;
};

class SystemClock final : public Clock {
public:
    UtcMs now() const override {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
};

class ManualClock final : public Clock {
public:
    explicit ManualClock(UtcMs start) : now_(start) {}
    UtcMs now() const override { return now_.load(); }
    void set(UtcMs t) { now_.store(t); }
    void advance(std::int64_t ms) { now_.fetch_add(ms); }

private:
    std::atomic<UtcMs> now_;
};

// "2026-06-01T01:00:00Z" (milliseconds shown only when non-zero: "...T01:00:00.250Z").
std::string format_utc(UtcMs t);
// Parses ISO-8601 UTC ("Z" or "+00:00" suffix, optional fraction). Throws kw::Error(bad_request).
UtcMs parse_utc(const std::string& text);

}  // namespace kw
