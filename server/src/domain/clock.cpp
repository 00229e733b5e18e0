// ISO-8601 text <-> UtcMs. The parser is hand-written and strict on purpose: every timestamp that
// crosses a boundary (HTTP, MQTT, test data) goes through it, and a lenient parser would let
// "2026-6-1 1:00" or a missing zone slip in as some guess.
#include "domain/clock.hpp"

#include <date/date.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "domain/error.hpp"

namespace kw {

namespace {

using std::chrono::milliseconds;

[[noreturn]] void throw_invalid(const std::string& text) {
    throw Error(Errc::bad_request, "invalid time: \"" + text + "\" (expected YYYY-MM-DDTHH:MM:SS[.fff]Z)");
}

// Reads exactly n digits at pos; false when any of them is not a digit or the text is too short.
bool read_digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    pos += n;
    return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
    if (pos >= s.size() || s[pos] != c) return false;
    ++pos;
    return true;
}

}  // namespace

// Written digit by digit: this runs for every timestamp the server sends (each meter sample it
// pushes, each API response), and date::format goes through an ostringstream and its locale, which
// cost several microseconds a call on the meter path. Years outside 0000-9999 take that way.
std::string format_utc(UtcMs t) {
    date::sys_time<milliseconds> tp{milliseconds{t}};
    const auto days = date::floor<date::days>(tp);
    const date::year_month_day ymd{days};
    const int year = static_cast<int>(ymd.year());
    const std::int64_t ms_of_day = (tp - days).count();
    if (year < 0 || year > 9999) {
        std::string out = date::format("%FT%T", date::floor<std::chrono::seconds>(tp));
        if (ms_of_day % 1000 != 0) out += '.' + std::to_string(1000 + ms_of_day % 1000).substr(1);
        return out + 'Z';
    }
    char buf[24];
    auto put = [&buf](std::size_t at, std::int64_t v, std::size_t digits) {
        for (std::size_t i = digits; i-- > 0; v /= 10) buf[at + i] = static_cast<char>('0' + v % 10);
    };
    put(0, year, 4);
    buf[4] = '-';
    put(5, static_cast<unsigned>(ymd.month()), 2);
    buf[7] = '-';
    put(8, static_cast<unsigned>(ymd.day()), 2);
    buf[10] = 'T';
    put(11, ms_of_day / 3'600'000, 2);
    buf[13] = ':';
    put(14, ms_of_day / 60'000 % 60, 2);
    buf[16] = ':';
    put(17, ms_of_day / 1000 % 60, 2);
    std::size_t n = 19;
    if (ms_of_day % 1000 != 0) {
        buf[n] = '.';
        put(n + 1, ms_of_day % 1000, 3);
        n += 4;
    }
    buf[n++] = 'Z';
    return std::string(buf, n);
}

UtcMs parse_utc(const std::string& text) {
    std::string_view s = text;
    std::size_t pos = 0;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!read_digits(s, pos, 4, y) || !expect(s, pos, '-') || !read_digits(s, pos, 2, mo) ||
        !expect(s, pos, '-') || !read_digits(s, pos, 2, d) || !expect(s, pos, 'T') ||
        !read_digits(s, pos, 2, h) || !expect(s, pos, ':') || !read_digits(s, pos, 2, mi) ||
        !expect(s, pos, ':') || !read_digits(s, pos, 2, sec)) {
        throw_invalid(text);
    }
    // Fraction: 1..9 digits; milliseconds are kept, finer digits are truncated.
    int millis = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        std::size_t digits = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (digits < 3) millis = millis * 10 + (s[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0 || digits > 9) throw_invalid(text);
        for (std::size_t i = digits; i < 3; ++i) millis *= 10;
    }
    // Zone designator: Z or +HH:MM / -HH:MM. A local time without one is refused.
    int offset_minutes = 0;
    if (pos < s.size() && s[pos] == 'Z') {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        int sign = s[pos] == '+' ? 1 : -1;
        ++pos;
        int oh = 0, om = 0;
        if (!read_digits(s, pos, 2, oh) || !expect(s, pos, ':') || !read_digits(s, pos, 2, om) || oh > 23 ||
            om > 59) {
            throw_invalid(text);
        }
        offset_minutes = sign * (oh * 60 + om);
    } else {
        throw_invalid(text);
    }
    if (pos != s.size()) throw_invalid(text);

    date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                             date::day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) throw_invalid(text);

    auto local = date::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
                 std::chrono::seconds{sec} + milliseconds{millis};
    auto utc = local - std::chrono::minutes{offset_minutes};
    return std::chrono::duration_cast<milliseconds>(utc.time_since_epoch()).count();
}

}  // namespace kw
