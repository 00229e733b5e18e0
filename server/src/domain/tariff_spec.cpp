// Reading and writing tariff specs (domain/tariff.hpp): parse_tariff validates once, and the
// pure pricing in tariff.cpp relies on what it checked.
#include <boost/json/array.hpp>
#include <boost/json/string.hpp>

#include "domain/error.hpp"
#include "domain/tariff.hpp"
#include "domain/validate.hpp"

namespace kw::domain {

namespace json = boost::json;

namespace {

constexpr PeriodKind kAllKinds[] = {PeriodKind::sharp, PeriodKind::peak, PeriodKind::flat,
                                    PeriodKind::valley};

[[noreturn]] void bad(std::string message) { throw Error(Errc::bad_request, std::move(message)); }

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

}  // namespace kw::domain
