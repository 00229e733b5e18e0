#include "timestamp.hpp"

#include <date/date.h>

#include <cctype>

namespace kw::ocpp {

namespace {

// Reads exactly n digits at text[pos...]; advances pos.
std::optional<int> digits(std::string_view text, std::size_t& pos, int n) {
    if (pos + n > text.size()) return std::nullopt;
    int v = 0;
    for (int i = 0; i < n; ++i) {
        const char c = text[pos + i];
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
        v = v * 10 + (c - '0');
    }
    pos += n;
    return v;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
    if (pos >= text.size() || text[pos] != c) return false;
    ++pos;
    return true;
}

}  // namespace

std::optional<std::int64_t> parse_timestamp(std::string_view text) {
    std::size_t pos = 0;
    const auto y = digits(text, pos, 4);
    if (!y || !expect(text, pos, '-')) return std::nullopt;
    const auto mo = digits(text, pos, 2);
    if (!mo || !expect(text, pos, '-')) return std::nullopt;
    const auto d = digits(text, pos, 2);
    if (!d || pos >= text.size() || (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')) return std::nullopt;
    ++pos;
    const auto h = digits(text, pos, 2);
    if (!h || !expect(text, pos, ':')) return std::nullopt;
    const auto mi = digits(text, pos, 2);
    if (!mi || !expect(text, pos, ':')) return std::nullopt;
    const auto s = digits(text, pos, 2);
    if (!s) return std::nullopt;
    std::int64_t ms = 0;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
        ++pos;
        int scale = 100, n = 0;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
            ms += (text[pos] - '0') * scale;
            scale /= 10;
            ++pos;
            ++n;
        }
        if (n == 0) return std::nullopt;
    }
    std::int64_t offset_min = 0;
    if (pos < text.size()) {
        const char sign = text[pos];
        if (sign == 'Z' || sign == 'z') {
            ++pos;
        } else if (sign == '+' || sign == '-') {
            ++pos;
            const auto oh = digits(text, pos, 2);
            if (!oh || *oh > 23) return std::nullopt;
            int om = 0;
            if (pos < text.size()) {
                if (text[pos] == ':') ++pos;
                const auto m = digits(text, pos, 2);
                if (!m || *m > 59) return std::nullopt;
                om = *m;
            }
            offset_min = (sign == '-' ? -1 : 1) * (*oh * 60 + om);
        } else {
            return std::nullopt;
        }
    }
    if (pos != text.size()) return std::nullopt;
    if (*h > 23 || *mi > 59 || *s > 60) return std::nullopt;
    const date::year_month_day ymd{date::year{*y}, date::month{static_cast<unsigned>(*mo)},
                                   date::day{static_cast<unsigned>(*d)}};
    if (!ymd.ok()) return std::nullopt;
    const auto days = date::sys_days(ymd).time_since_epoch().count();
    const std::int64_t seconds = days * 86400LL + *h * 3600LL + *mi * 60LL + std::min(*s, 59) - offset_min * 60;
    return seconds * 1000 + ms;
}

}  // namespace kw::ocpp

namespace kw::ocpp {
std::string format_time(std::int64_t ms) {
    return date::format("%FT%TZ", date::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(ms)));
}
}  // namespace kw::ocpp
