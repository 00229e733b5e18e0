#include "domain/money.hpp"

#include <limits>
#include <string>

#include "domain/error.hpp"

namespace kw::domain {

namespace {

[[noreturn]] void overflow(std::string_view what) {
    throw Error(Errc::bad_request, std::string(what) + " is out of range (integer overflow)");
}

}  // namespace

std::int64_t checked_add(std::int64_t a, std::int64_t b, std::string_view what) {
    std::int64_t out = 0;
    if (__builtin_add_overflow(a, b, &out)) overflow(what);
    return out;
}

std::int64_t checked_mul(std::int64_t a, std::int64_t b, std::string_view what) {
    std::int64_t out = 0;
    if (__builtin_mul_overflow(a, b, &out)) overflow(what);
    return out;
}

std::int64_t mul_div_round_half_up(std::int64_t a, std::int64_t b, std::int64_t den, std::string_view what) {
    const __int128 num = static_cast<__int128>(a) * b;  // |a * b| < 2^126: cannot overflow
    if (num < 0 || den <= 0) overflow(what);
    const __int128 q = (2 * num + den) / (2 * static_cast<__int128>(den));
    if (q > std::numeric_limits<std::int64_t>::max()) overflow(what);
    return static_cast<std::int64_t>(q);
}

}  // namespace kw::domain
