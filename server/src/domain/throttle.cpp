#include "domain/throttle.hpp"

#include <algorithm>

namespace kw::domain {

std::int64_t backoff_delay_s(std::int64_t failures, std::int64_t free_failures, std::int64_t max_delay_s) {
    if (failures < free_failures) return 0;
    const std::int64_t doublings = failures - free_failures;
    if (doublings >= 62) return max_delay_s;  // 1 << 62 would already be past any cap
    return std::min<std::int64_t>(std::int64_t{1} << doublings, max_delay_s);
}

std::int64_t backoff_wait_s(std::int64_t failures, std::int64_t free_failures, std::int64_t max_delay_s,
                            std::int64_t last_failure_ms, std::int64_t now_ms) {
    const std::int64_t delay_ms = backoff_delay_s(failures, free_failures, max_delay_s) * 1000;
    const std::int64_t left_ms = last_failure_ms + delay_ms - now_ms;
    if (left_ms <= 0) return 0;
    return std::min<std::int64_t>((left_ms + 999) / 1000, max_delay_s);
}

}  // namespace kw::domain
