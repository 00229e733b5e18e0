#include "domain/tariff.hpp"

#include <date/tz.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/string.hpp>
#include <chrono>

#include "domain/error.hpp"
#include "domain/money.hpp"
#include "domain/validate.hpp"

namespace kw::domain {

namespace json = boost::json;
using std::chrono::milliseconds;

namespace {

constexpr PeriodKind kAllKinds[] = {PeriodKind::sharp, PeriodKind::peak, PeriodKind::flat,
                                    PeriodKind::valley};

[[noreturn]] void bad(std::string message) { throw Error(Errc::bad_request, std::move(message)); }

date::sys_time<milliseconds> sys_ms(UtcMs t) { return date::sys_time<milliseconds>{milliseconds{t}}; }

UtcMs to_utc_ms(date::sys_time<milliseconds> tp) { return tp.time_since_epoch().count(); }

// Non-negative num / den rounded half up; 128-bit so that Wh x ms or Wh x price cannot overflow,
// and a quotient beyond 64 bits (forged meter values) is refused rather than wrapped.
std::int64_t div_round_half_up(__int128 num, __int128 den) {
    const __int128 q = (2 * num + den) / (2 * den);
    if (q > INT64_MAX || q < INT64_MIN) throw Error(Errc::bad_request, "bill amount is out of range (integer overflow)");
    return static_cast<std::int64_t>(q);
}

const Period& period_for_minute(const Tariff& tariff, int minute) {
    for (const Period& p : tariff.periods) {
        if (minute >= p.start_minute && minute < p.end_minute) return p;
    }
    throw Error(Errc::internal, "tariff has no period at " + format_hh_mm(minute));
}

PeriodKind kind_at(const Tariff& tariff, const date::time_zone& zone, UtcMs t) {
    return period_for_minute(tariff, local_minute_of_day(zone, t)).kind;
}

const Price& price_of(const Tariff& tariff, PeriodKind kind) {
    auto it = tariff.prices.find(kind);
    if (it == tariff.prices.end()) {
        throw Error(Errc::internal, "tariff has no price for " + std::string(to_string(kind)));
    }
    return it->second;
}

std::vector<UtcMs> boundaries_in(const Tariff& tariff, const date::time_zone& zone, UtcMs from, UtcMs to) {
    std::vector<UtcMs> out;
    if (to <= from || tariff.periods.empty()) return out;

    // Candidates: every local period start (both mappings of an ambiguous local time, the jump
    // instant for a skipped one) on each local day in range, plus every UTC-offset change.
    std::vector<UtcMs> candidates;
    auto first_day = date::floor<date::days>(zone.to_local(sys_ms(from))) - date::days{1};
    auto last_day = date::floor<date::days>(zone.to_local(sys_ms(to))) + date::days{1};
    const std::size_t n = tariff.periods.size();
    for (auto day = first_day; day <= last_day; day += date::days{1}) {
        for (std::size_t i = 0; i < n; ++i) {
            const Period& p = tariff.periods[i];
            if (p.kind == tariff.periods[(i + n - 1) % n].kind) continue;  // joined same-kind periods
            auto local = date::local_time<milliseconds>{day + std::chrono::minutes{p.start_minute}};
            candidates.push_back(to_utc_ms(zone.to_sys(local, date::choose::earliest)));
            candidates.push_back(to_utc_ms(zone.to_sys(local, date::choose::latest)));
        }
    }
    auto info = zone.get_info(sys_ms(from));
    while (info.end <= sys_ms(to)) {
        candidates.push_back(to_utc_ms(date::sys_time<milliseconds>{info.end}));
        info = zone.get_info(info.end);
    }

    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (UtcMs c : candidates) {
        if (c <= from || c > to) continue;
        if (kind_at(tariff, zone, c) != kind_at(tariff, zone, c - 1)) out.push_back(c);
    }
    return out;
}

std::int64_t read_price(const json::value& v, std::string_view kind, std::string_view field) {
    std::string where = "tariff price " + std::string(kind) + "." + std::string(field);
    if (v.is_int64()) {
        std::int64_t p = v.get_int64();
        if (p < 0) bad(where + " must not be negative");
        if (p > kMaxPrice) bad(where + " is above the maximum of " + std::to_string(kMaxPrice));
        return p;
    }
    if (v.is_uint64()) bad(where + " is above the maximum of " + std::to_string(kMaxPrice));
    bad(where + " must be an integer in 1/10000 yuan per kWh");
}

std::map<PeriodKind, Price> parse_prices(const json::value* v) {
    if (v == nullptr) bad("tariff needs \"prices\"");
    const json::object* obj = v->if_object();
    if (obj == nullptr) bad("tariff \"prices\" must be an object");
    std::map<PeriodKind, Price> prices;
    for (const auto& [key, price_value] : *obj) {
        std::string_view kind_name = key;
        PeriodKind kind;
        try {
            kind = period_kind_from_string(kind_name);
        } catch (const Error&) {
            bad("tariff prices: unknown period kind \"" + std::string(kind_name) +
                "\" (expected sharp, peak, flat, valley)");
        }
        const json::object* po = price_value.if_object();
        if (po == nullptr) bad("tariff price " + std::string(kind_name) + " must be an object");
        for (const auto& member : *po) {
            if (member.key() != "electricity" && member.key() != "service") {
                bad("tariff price " + std::string(kind_name) + ": unknown member \"" +
                    std::string(member.key()) + "\"");
            }
        }
        const json::value* e = po->if_contains("electricity");
        const json::value* s = po->if_contains("service");
        if (e == nullptr) bad("tariff price " + std::string(kind_name) + " needs \"electricity\"");
        if (s == nullptr) bad("tariff price " + std::string(kind_name) + " needs \"service\"");
        prices[kind] = Price{read_price(*e, kind_name, "electricity"), read_price(*s, kind_name, "service")};
    }
    return prices;
}

std::vector<Period> parse_periods(const json::value* v) {
    if (v == nullptr) bad("tariff needs \"periods\"");
    const json::array* arr = v->if_array();
    if (arr == nullptr) bad("tariff \"periods\" must be an array");
    if (arr->empty()) bad("tariff needs at least one period");
    if (arr->size() > kMaxPeriods) bad("tariff has more than " + std::to_string(kMaxPeriods) + " periods");
    std::vector<Period> periods;
    for (std::size_t i = 0; i < arr->size(); ++i) {
        std::string where = "tariff periods[" + std::to_string(i) + "]";
        const json::array* item = (*arr)[i].if_array();
        if (item == nullptr || item->size() != 3 || !(*item)[0].is_string() || !(*item)[1].is_string() ||
            !(*item)[2].is_string()) {
            bad(where + " must be [\"HH:MM\", \"HH:MM\", kind]");
        }
        std::string_view start_text = (*item)[0].get_string();
        std::string_view end_text = (*item)[1].get_string();
        std::string_view kind_text = (*item)[2].get_string();
        int start = parse_hh_mm(start_text, false);
        if (start < 0)
            bad(where + ": invalid start \"" + std::string(start_text) + "\" (expected HH:MM, 00:00-23:59)");
        int end = parse_hh_mm(end_text, true);
        if (end < 0)
            bad(where + ": invalid end \"" + std::string(end_text) + "\" (expected HH:MM, up to 24:00)");
        if (start >= end)
            bad(where + ": start " + std::string(start_text) + " is not before end " + std::string(end_text));
        PeriodKind kind;
        try {
            kind = period_kind_from_string(kind_text);
        } catch (const Error&) {
            bad(where + ": unknown period kind \"" + std::string(kind_text) +
                "\" (expected sharp, peak, flat, valley)");
        }
        periods.push_back(Period{start, end, kind});
    }
    for (std::size_t i = 1; i < periods.size(); ++i) {
        if (periods[i].start_minute < periods[i - 1].start_minute) {
            bad("tariff periods are not sorted: " + format_hh_mm(periods[i].start_minute) + " comes after " +
                format_hh_mm(periods[i - 1].start_minute));
        }
    }
    if (periods.front().start_minute != 0) {
        bad("tariff periods have a gap: they must start at 00:00, not " +
            format_hh_mm(periods.front().start_minute));
    }
    for (std::size_t i = 1; i < periods.size(); ++i) {
        int prev_end = periods[i - 1].end_minute;
        int start = periods[i].start_minute;
        if (start < prev_end) {
            bad("tariff periods overlap: " + format_hh_mm(start) +
                " starts before the previous period ends at " + format_hh_mm(prev_end));
        }
        if (start > prev_end) {
            bad("tariff periods have a gap between " + format_hh_mm(prev_end) + " and " +
                format_hh_mm(start));
        }
    }
    if (periods.back().end_minute != 1440) {
        bad("tariff periods have a gap: they must end at 24:00, not " +
            format_hh_mm(periods.back().end_minute));
    }
    return periods;
}

}  // namespace

std::string_view to_string(PeriodKind kind) {
    switch (kind) {
        case PeriodKind::sharp:
            return "sharp";
        case PeriodKind::peak:
            return "peak";
        case PeriodKind::flat:
            return "flat";
        case PeriodKind::valley:
            return "valley";
    }
    return "flat";
}

PeriodKind period_kind_from_string(std::string_view text) {
    for (PeriodKind k : kAllKinds) {
        if (to_string(k) == text) return k;
    }
    bad("unknown period kind \"" + std::string(text) + "\" (expected sharp, peak, flat, valley)");
}

Tariff parse_tariff(const json::value& spec) {
    const json::object* obj = spec.if_object();
    if (obj == nullptr) bad("tariff must be a JSON object");
    Tariff tariff;
    tariff.prices = parse_prices(obj->if_contains("prices"));
    tariff.periods = parse_periods(obj->if_contains("periods"));
    for (const Period& p : tariff.periods) {
        if (!tariff.prices.contains(p.kind)) {
            bad("tariff has no price for period kind \"" + std::string(to_string(p.kind)) + "\" used at " +
                format_hh_mm(p.start_minute));
        }
    }
    return tariff;
}

json::object tariff_to_json(const Tariff& tariff) {
    json::object prices;
    for (const auto& [kind, price] : tariff.prices) {
        prices[to_string(kind)] =
            json::object{{"electricity", price.electricity}, {"service", price.service}};
    }
    json::array periods;
    for (const Period& p : tariff.periods) {
        periods.push_back(json::array{json::string(format_hh_mm(p.start_minute)),
                                      json::string(format_hh_mm(p.end_minute)),
                                      json::string(to_string(p.kind))});
    }
    return json::object{{"prices", std::move(prices)}, {"periods", std::move(periods)}};
}

PeriodKind period_at(const Tariff& tariff, const std::string& iana_tz, UtcMs t) {
    return kind_at(tariff, find_zone(iana_tz), t);
}

Price price_at(const Tariff& tariff, const std::string& iana_tz, UtcMs t) {
    return price_of(tariff, period_at(tariff, iana_tz, t));
}

std::vector<UtcMs> period_boundaries(const Tariff& tariff, const std::string& iana_tz, UtcMs from, UtcMs to) {
    return boundaries_in(tariff, find_zone(iana_tz), from, to);
}

Bill bill_session(const Tariff& tariff, const std::string& iana_tz, const std::vector<Sample>& samples) {
    const date::time_zone& zone = find_zone(iana_tz);

    // Sorted by time; the last sample given for an instant wins.
    std::vector<Sample> sorted = samples;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Sample& a, const Sample& b) { return a.at < b.at; });
    std::vector<Sample> s;
    for (const Sample& x : sorted) {
        if (!s.empty() && s.back().at == x.at) {
            s.back() = x;
        } else {
            s.push_back(x);
        }
    }
    Bill bill;
    if (s.size() < 2) return bill;

    // Monotonic reading: the sum of non-negative deltas from the first sample (a meter going
    // backwards adds nothing for that step).
    std::vector<std::int64_t> reading(s.size());
    reading[0] = s[0].wh;
    for (std::size_t i = 1; i < s.size(); ++i) {
        reading[i] = checked_add(reading[i - 1], std::max<std::int64_t>(0, s[i].wh - s[i - 1].wh), "session energy");
    }
    auto reading_at = [&](UtcMs t) -> std::int64_t {
        auto it = std::lower_bound(s.begin(), s.end(), t, [](const Sample& a, UtcMs v) { return a.at < v; });
        auto i = static_cast<std::size_t>(it - s.begin());
        if (s[i].at == t) return reading[i];
        // Strictly between s[i-1] and s[i]: interpolate, rounded half up to a whole Wh.
        __int128 delta = reading[i] - reading[i - 1];
        return reading[i - 1] + div_round_half_up(delta * (t - s[i - 1].at), s[i].at - s[i - 1].at);
    };

    const UtcMs from = s.front().at;
    const UtcMs to = s.back().at;
    std::vector<UtcMs> cuts{from};
    for (UtcMs b : boundaries_in(tariff, zone, from, to)) {
        if (b < to) cuts.push_back(b);
    }
    cuts.push_back(to);

    std::int64_t start_reading = reading.front();
    for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
        Segment seg;
        seg.start = cuts[i];
        seg.end = cuts[i + 1];
        seg.kind = kind_at(tariff, zone, seg.start);
        std::int64_t end_reading = (i + 2 == cuts.size()) ? reading.back() : reading_at(seg.end);
        seg.energy_wh = end_reading - start_reading;
        start_reading = end_reading;
        const Price& price = price_of(tariff, seg.kind);
        seg.electricity_fen = mul_div_round_half_up(seg.energy_wh, price.electricity, 100000, "electricity fee");
        seg.service_fen = mul_div_round_half_up(seg.energy_wh, price.service, 100000, "service fee");
        bill.energy_wh = checked_add(bill.energy_wh, seg.energy_wh, "session energy");
        bill.electricity_fen = checked_add(bill.electricity_fen, seg.electricity_fen, "electricity fee");
        bill.service_fen = checked_add(bill.service_fen, seg.service_fen, "service fee");
        bill.segments.push_back(seg);
    }
    bill.total_fen = checked_add(bill.electricity_fen, bill.service_fen, "session total");
    return bill;
}

json::object bill_to_json(const Bill& bill) {
    json::array segments;
    for (const Segment& seg : bill.segments) {
        segments.push_back(json::object{{"kind", to_string(seg.kind)},
                                        {"start", format_utc(seg.start)},
                                        {"end", format_utc(seg.end)},
                                        {"energy_wh", seg.energy_wh},
                                        {"electricity_fen", seg.electricity_fen},
                                        {"service_fen", seg.service_fen}});
    }
    return json::object{{"energy_wh", bill.energy_wh},
                        {"electricity_fen", bill.electricity_fen},
                        {"service_fen", bill.service_fen},
                        {"total_fen", bill.total_fen},
                        {"segments", std::move(segments)}};
}

}  // namespace kw::domain
