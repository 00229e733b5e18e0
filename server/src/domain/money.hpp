#pragma once
// Checked integer arithmetic for money (fen, milli-fen) and energy (Wh). Meter values come from
// chargers, so any product or sum of them may be forged to overflow: these never wrap, they throw
// kw::Error(bad_request) naming what overflowed, and the caller refuses the input. Pure; any thread.
#include <cstdint>
#include <string_view>

namespace kw::domain {

std::int64_t checked_add(std::int64_t a, std::int64_t b, std::string_view what);
std::int64_t checked_mul(std::int64_t a, std::int64_t b, std::string_view what);

// round_half_up(a * b / den) for a * b >= 0 and den > 0, with the product in 128 bits; throws when
// the quotient does not fit in 64 bits (or the arguments are outside that domain).
std::int64_t mul_div_round_half_up(std::int64_t a, std::int64_t b, std::int64_t den, std::string_view what);

}  // namespace kw::domain
