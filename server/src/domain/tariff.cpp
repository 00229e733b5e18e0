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

}  // namespace

PeriodKind period_at(const Tariff& tariff, const std::string& iana_tz, UtcMs t) {
    return kind_at(tariff, find_zone(iana_tz), t);
}

Price price_at(const Tariff& tariff, const std::string& iana_tz, UtcMs t) {
    return price_of(tariff, period_at(tariff, iana_tz, t));
}

std::vector<UtcMs> period_boundaries(const Tariff& tariff, const std::string& iana_tz, UtcMs from, UtcMs to) {
    return boundaries_in(tariff, find_zone(iana_tz), from, to);
}

namespace {

Segment make_segment(const Tariff& tariff, const date::time_zone& zone, UtcMs start, UtcMs end,
                     std::int64_t energy_wh) {
    Segment seg;
    seg.kind = kind_at(tariff, zone, start);
    seg.start = start;
    seg.end = end;
    seg.energy_wh = energy_wh;
    const Price& price = price_of(tariff, seg.kind);
    seg.electricity_fen = mul_div_round_half_up(energy_wh, price.electricity, 100000, "electricity fee");
    seg.service_fen = mul_div_round_half_up(energy_wh, price.service, 100000, "service fee");
    return seg;
}

void add_to(Bill& bill, const Segment& seg) {
    bill.energy_wh = checked_add(bill.energy_wh, seg.energy_wh, "session energy");
    bill.electricity_fen = checked_add(bill.electricity_fen, seg.electricity_fen, "electricity fee");
    bill.service_fen = checked_add(bill.service_fen, seg.service_fen, "service fee");
    bill.total_fen = checked_add(bill.electricity_fen, bill.service_fen, "session total");
}

void add_sample_in(const Tariff& tariff, const date::time_zone& zone, BillProgress& p, const Sample& x,
                   std::vector<Segment>* closed) {
    if (!p.started) {
        p.started = true;
        p.last = x;
        p.reading = x.wh;
        p.segment_start = x.at;
        p.segment_start_reading = x.wh;
        return;
    }
    if (x.at <= p.last.at) return;
    // Monotonic reading: a meter going backwards adds nothing for that step.
    const std::int64_t delta = std::max<std::int64_t>(0, x.wh - p.last.wh);
    const std::int64_t reading = checked_add(p.reading, delta, "session energy");
    for (UtcMs b : boundaries_in(tariff, zone, p.last.at, x.at)) {
        // Between two samples the reading is interpolated, rounded half up to a whole Wh.
        const std::int64_t at_b =
            b == x.at ? reading
                      : p.reading + div_round_half_up(static_cast<__int128>(delta) * (b - p.last.at), x.at - p.last.at);
        const Segment seg = make_segment(tariff, zone, p.segment_start, b, at_b - p.segment_start_reading);
        add_to(p.closed, seg);
        if (closed) closed->push_back(seg);
        p.segment_start = b;
        p.segment_start_reading = at_b;
    }
    p.last = x;
    p.reading = reading;
}

}  // namespace

void add_sample(const Tariff& tariff, const std::string& iana_tz, BillProgress& progress, const Sample& sample) {
    add_sample_in(tariff, find_zone(iana_tz), progress, sample, nullptr);
}

Bill bill_so_far(const Tariff& tariff, const std::string& iana_tz, const BillProgress& p) {
    Bill bill = p.closed;
    if (!p.started) return bill;
    // The open segment; a session that ends exactly at a boundary has no empty one after it.
    if (p.last.at > p.segment_start)
        add_to(bill, make_segment(tariff, find_zone(iana_tz), p.segment_start, p.last.at,
                                  p.reading - p.segment_start_reading));
    return bill;
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

    BillProgress progress;
    std::vector<Segment> segments;
    for (const Sample& x : s) add_sample_in(tariff, zone, progress, x, &segments);
    if (progress.last.at > progress.segment_start)
        segments.push_back(make_segment(tariff, zone, progress.segment_start, progress.last.at,
                                        progress.reading - progress.segment_start_reading));
    for (const Segment& seg : segments) add_to(bill, seg);
    bill.segments = std::move(segments);
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
