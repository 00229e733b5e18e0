#pragma once
// Pure throttling rules. After `free_failures` failed attempts, each further attempt must wait a delay
// that doubles per failure (1 s, 2 s, 4 s …) up to `max_delay_s`, counted from the last failure.
#include <cstdint>

namespace kw::domain {

// The delay, in seconds, that `failures` failed attempts impose before the next one (0: none).
std::int64_t backoff_delay_s(std::int64_t failures, std::int64_t free_failures, std::int64_t max_delay_s);

// Seconds still to wait at `now_ms` after a failure at `last_failure_ms` (0: may try now). Rounded up.
std::int64_t backoff_wait_s(std::int64_t failures, std::int64_t free_failures, std::int64_t max_delay_s,
                            std::int64_t last_failure_ms, std::int64_t now_ms);

}  // namespace kw::domain
