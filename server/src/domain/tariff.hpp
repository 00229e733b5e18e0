#pragma once
// Time-of-use tariffs and session billing (the rules are in tests/data/README of the shared test
// data and in src/domain/README.md). A Tariff is a value: parse_tariff validates it once, after
// which every function here is pure and may be called from any thread.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "domain/clock.hpp"

namespace kw::domain {

// 尖 sharp / 峰 peak / 平 flat / 谷 valley.
enum class PeriodKind { sharp, peak, flat, valley };

std::string_view to_string(PeriodKind kind);
PeriodKind period_kind_from_string(std::string_view text);  // throws bad_request

// Prices in 1/10000 yuan per kWh.
struct Price {
    std::int64_t electricity = 0;
    std::int64_t service = 0;
};

// [start_minute, end_minute) in local wall-clock minutes of the day; end_minute <= 1440.
struct Period {
    int start_minute = 0;
    int end_minute = 0;
    PeriodKind kind = PeriodKind::flat;
};

struct Tariff {
    std::map<PeriodKind, Price> prices;
    std::vector<Period> periods;  // sorted, covering 00:00-24:00 exactly
};

// Upper bound on one price (100 yuan/kWh): keeps every product in billing far from overflow.
inline constexpr std::int64_t kMaxPrice = 1'000'000;
inline constexpr std::size_t kMaxPeriods = 48;

// spec = {"prices":{"sharp":{"electricity":12851,"service":8000},...},
//         "periods":[["00:00","08:00","valley"],...,["23:00","24:00","valley"]]}
// Other top-level members (such as "name") are ignored. Throws kw::Error(bad_request) naming the
// problem: gap, overlap, unsorted, bad HH:MM, unknown kind, missing/negative/non-integer price ...
Tariff parse_tariff(const boost::json::value& spec);
boost::json::object tariff_to_json(const Tariff& tariff);  // same shape as the spec

// The period kind / price in force at instant t at a station in zone iana_tz (unknown zone:
// bad_request).
PeriodKind period_at(const Tariff& tariff, const std::string& iana_tz, UtcMs t);
Price price_at(const Tariff& tariff, const std::string& iana_tz, UtcMs t);

// A cumulative meter reading.
struct Sample {
    UtcMs at = 0;
    std::int64_t wh = 0;
};

struct Segment {
    PeriodKind kind = PeriodKind::flat;
    UtcMs start = 0;
    UtcMs end = 0;
    std::int64_t energy_wh = 0;
    std::int64_t electricity_fen = 0;
    std::int64_t service_fen = 0;
};

struct Bill {
    std::vector<Segment> segments;
    std::int64_t energy_wh = 0;
    std::int64_t electricity_fen = 0;
    std::int64_t service_fen = 0;
    std::int64_t total_fen = 0;
};

// Bills a session from its cumulative meter samples. Samples are sorted by time here; of several
// samples at the same instant the last one given wins. Fewer than 2 samples: an empty bill.
// A meter that goes backwards (replaced, reset) contributes 0 energy for that step, and energy
// counted again from the lower reading on: the bill follows the sum of non-negative deltas.
// Between two samples the reading at a period boundary is interpolated (rounded half up to a Wh);
// each segment's fees are rounded half up to a fen.
Bill bill_session(const Tariff& tariff, const std::string& iana_tz, const std::vector<Sample>& samples);

// The same bill built one sample at a time, for the running estimate of a session: bill_session()
// is add_sample() over its sorted samples, so the estimate after the last sample is the bill of
// the same samples. (A session's billing samples in SQL are a subset of the samples the estimate
// saw, always including both samples around a boundary, so both give the same amounts.) A small
// value: service/running.cpp keeps it in Redis between samples.
struct BillProgress {
    bool started = false;
    Sample last;                 // the last sample added
    std::int64_t reading = 0;    // the monotonic reading at `last`
    UtcMs segment_start = 0;     // the open segment runs from here to last.at
    std::int64_t segment_start_reading = 0;
    Bill closed;                 // totals of the segments closed at boundaries (no segment list)
};
// A sample not later than the last one added is ignored.
void add_sample(const Tariff& tariff, const std::string& iana_tz, BillProgress& progress, const Sample& sample);
// The amounts of the samples added so far (closed segments plus the open one); no segment list.
Bill bill_so_far(const Tariff& tariff, const std::string& iana_tz, const BillProgress& progress);

// {"energy_wh","electricity_fen","service_fen","total_fen","segments":[{"kind","start","end",
//  "energy_wh","electricity_fen","service_fen"}]} with start/end as ISO-8601 UTC.
boost::json::object bill_to_json(const Bill& bill);

// Instants in (from, to] at which the period kind in force changes. Same-kind periods that meet
// (valley 23:00-24:00 then 00:00-08:00) are no boundary; DST jumps that change the kind are one.
std::vector<UtcMs> period_boundaries(const Tariff& tariff, const std::string& iana_tz, UtcMs from, UtcMs to);

}  // namespace kw::domain
