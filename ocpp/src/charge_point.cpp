#include "charge_point.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <spdlog/spdlog.h>

#include "timestamp.hpp"

namespace kw::ocpp {

namespace {
constexpr std::string_view kTagPrefix = "KW-O";
}

std::string order_tag(std::int64_t order_id) { return std::string(kTagPrefix) + std::to_string(order_id); }

std::optional<std::int64_t> order_from_tag(std::string_view id_tag) {
    if (!id_tag.starts_with(kTagPrefix)) return std::nullopt;
    const std::string_view digits = id_tag.substr(kTagPrefix.size());
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec != std::errc() || end != digits.data() + digits.size() || id <= 0 || digits.front() == '0')
        return std::nullopt;
    return id;
}

void FrameLog::add(bool from_station, std::string_view frame, UtcMs now) {
    constexpr std::size_t kFrameChars = 1000, kMaxEntries = 100;
    if (entries_.size() >= kMaxEntries) entries_.erase(entries_.begin());  // a burst: the newest are kept
    entries_.push_back(boost::json::object{
        {"dir", from_station ? "in" : "out"}, {"at", format_time(now)}, {"frame", frame.substr(0, kFrameChars)}});
}

void FrameLog::flush(Io& io) {
    if (entries_.empty()) return;
    io.publish("log", boost::json::serialize(boost::json::object{{"entries", std::move(entries_)}}), 0);
    entries_ = boost::json::array();
}

std::string station_time(const boost::json::value* timestamp, std::string_view what, UtcMs now,
                         const std::string& code) {
    if (!timestamp || !timestamp->is_string()) return format_time(now);
    const std::string_view text = timestamp->as_string();
    const auto t = parse_timestamp(text);
    if (!t) {
        spdlog::warn("event=ocpp_bad_timestamp code={} field={} value=\"{}\"", code, what, text);
        return format_time(now);
    }
    if (*t < kClockNeverSetBefore) {
        spdlog::warn("event=ocpp_clock_not_set code={} field={} value=\"{}\"", code, what, text);
        return format_time(now);
    }
    return format_time(*t);
}

std::optional<boost::json::object> parse_command(std::string_view payload, const std::string& code) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(payload, ec);
    if (ec || !v.is_object() || !v.as_object().contains("cmd") || !v.as_object().at("cmd").is_string()) {
        spdlog::warn("event=ocpp_bad_command code={} payload=\"{}\"", code, payload.substr(0, 200));
        return std::nullopt;
    }
    return std::move(v.as_object());
}

bool is_operator_command(std::string_view name) {
    return name == "reset" || name == "unlock" || name == "change_availability" || name == "get_configuration" ||
           name == "set_configuration" || name == "trigger_message" || name == "clear_cache" ||
           name == "send_local_list" || name == "get_local_list_version";
}

void MeterTotals::add(std::string_view measurand, std::string_view location, std::string_view phase,
                      std::string_view unit, double value) {
    if (!std::isfinite(value)) return;
    Measure* m = nullptr;
    double scale = 1;
    if (measurand == "SoC") {
        m = &soc_;
    } else if (location == "EV") {
        return;
    } else if (measurand == "Energy.Active.Import.Register") {
        m = &energy_;
        scale = unit == "kWh" ? 1000 : 1;
    } else if (measurand == "Power.Active.Import") {
        m = &power_;
        scale = unit == "kW" ? 1000 : 1;
    } else if (measurand == "Current.Import") {
        m = &current_;
    } else if (measurand == "Voltage") {
        m = &voltage_;
    } else {
        return;
    }
    if (phase.empty())
        m->total = value * scale;
    else if (phase == "L1" || phase == "L2" || phase == "L3" || phase == "L1-N" || phase == "L2-N" || phase == "L3-N")
        m->phases.push_back(value * scale);
}

std::optional<Reading> MeterTotals::reading() const {
    auto sum = [](const Measure& m) -> std::optional<double> {
        if (m.total) return m.total;
        if (m.phases.empty()) return std::nullopt;
        double s = 0;
        for (double p : m.phases) s += p;
        return s;
    };
    const auto wh = sum(energy_);
    if (!wh || *wh < 0 || *wh > 9.0e15) return std::nullopt;
    Reading r;
    r.energy_wh = std::llround(*wh);
    if (auto p = sum(power_)) r.power_w = std::llround(*p);
    if (current_.total || !current_.phases.empty())
        r.current_a = current_.total ? *current_.total : *std::max_element(current_.phases.begin(), current_.phases.end());
    if (auto v = sum(voltage_)) r.voltage_v = voltage_.total ? *v : *v / static_cast<double>(voltage_.phases.size());
    if (auto s = sum(soc_)) r.soc = static_cast<int>(std::lround(*s));
    return r;
}

boost::json::object meter_message(std::int64_t connector, const std::string& ts, const Reading& r,
                                  const std::string& tx_id) {
    boost::json::object m{{"connector", connector}, {"ts", ts}, {"energy_wh", r.energy_wh}};
    if (r.power_w) m["power_w"] = *r.power_w;
    if (r.voltage_v) m["voltage_v"] = *r.voltage_v;
    if (r.current_a) m["current_a"] = *r.current_a;
    if (r.soc) m["soc"] = *r.soc;
    if (!tx_id.empty()) m["tx_id"] = tx_id;
    return m;
}

}  // namespace kw::ocpp
