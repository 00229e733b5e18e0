#include "messages.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace kw::sim {

namespace json = boost::json;

std::string utc_iso(WallTime t) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return buf;
}

std::string topic(std::string_view code, std::string_view kind) {
    std::string t = "kw/v1/";
    t.append(code).append("/").append(kind);
    return t;
}

namespace {

double round1(double v) { return std::round(v * 10.0) / 10.0; }

}  // namespace

std::string boot_payload(const BootInfo& b, WallTime ts) {
    return json::serialize(json::object{{"vendor", b.vendor},
                                        {"model", b.model},
                                        {"firmware", b.firmware},
                                        {"kind", b.kind},
                                        {"rated_w", b.rated_w},
                                        {"connectors", b.connectors},
                                        {"boot_id", b.boot_id},
                                        {"ts", utc_iso(ts)}});
}

std::string heartbeat_payload(WallTime ts) { return json::serialize(json::object{{"ts", utc_iso(ts)}}); }

std::string status_payload(int connector, std::string_view status, std::string_view error, WallTime ts) {
    return json::serialize(
        json::object{{"connector", connector}, {"status", status}, {"error", error}, {"ts", utc_iso(ts)}});
}

std::string meter_payload(const MeterReading& m, WallTime ts) {
    // Written by hand rather than with json::serialize, which prints 752.4 as 7.524E2: both are JSON,
    // but people read these messages in mosquitto_sub.
    std::string out = fmt::format(R"({{"connector":{})", m.connector);
    if (!m.tx_id.empty()) out += fmt::format(R"(,"tx_id":{})", json::serialize(json::string(m.tx_id)));
    out += fmt::format(R"(,"ts":"{}","energy_wh":{},"power_w":{},"voltage_v":{:.1f},"current_a":{:.1f})",
                       utc_iso(ts), m.energy_wh, m.power_w, round1(m.voltage_v), round1(m.current_a));
    if (m.soc) out += fmt::format(R"(,"soc":{})", *m.soc);
    out += "}";
    return out;
}

std::string tx_started_payload(const TxStarted& e, WallTime ts) {
    return json::serialize(json::object{{"event", "started"},
                                        {"tx_id", e.tx_id},
                                        {"seq", e.seq},
                                        {"connector", e.connector},
                                        {"order_id", e.order_id},
                                        {"meter_wh", e.meter_wh},
                                        {"ts", utc_iso(ts)}});
}

std::string tx_ended_payload(const TxEnded& e, WallTime ts) {
    return json::serialize(json::object{{"event", "ended"},
                                        {"tx_id", e.tx_id},
                                        {"seq", e.seq},
                                        {"connector", e.connector},
                                        {"order_id", e.order_id},
                                        {"meter_start_wh", e.meter_start_wh},
                                        {"started_at", e.started_at},
                                        {"meter_wh", e.meter_wh},
                                        {"ts", utc_iso(ts)},
                                        {"reason", e.reason}});
}

std::string ack_payload(std::string_view corr, std::string_view cmd, bool accepted, std::string_view reason) {
    return json::serialize(
        json::object{{"corr", corr}, {"cmd", cmd}, {"accepted", accepted}, {"reason", reason}});
}

std::string fault_payload(const FaultInfo& f, WallTime ts) {
    return json::serialize(json::object{{"connector", f.connector},
                                        {"code", f.code},
                                        {"severity", f.severity},
                                        {"message", f.message},
                                        {"cleared", f.cleared},
                                        {"ts", utc_iso(ts)}});
}

std::string state_payload(bool online, std::string_view reason) {
    return json::serialize(json::object{{"online", online}, {"reason", reason}});
}

namespace {

std::optional<std::int64_t> get_int(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v) return std::nullopt;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return static_cast<std::int64_t>(v->as_uint64());
    if (v->is_double() && std::floor(v->as_double()) == v->as_double() && std::abs(v->as_double()) < 9e15)
        return static_cast<std::int64_t>(v->as_double());
    throw std::invalid_argument("field '" + std::string(key) + "' is not an integer");
}

std::string get_string(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v || v->is_null()) return {};
    if (!v->is_string()) throw std::invalid_argument("field '" + std::string(key) + "' is not a string");
    return std::string(v->as_string());
}

std::int64_t require_int(const json::object& o, std::string_view key) {
    auto v = get_int(o, key);
    if (!v) throw std::invalid_argument("missing field '" + std::string(key) + "'");
    return *v;
}

}  // namespace

Command parse_command(std::string_view payload) {
    boost::system::error_code ec;
    const json::value root = json::parse(payload, ec);
    if (ec) throw std::invalid_argument("not JSON: " + ec.message());
    if (!root.is_object()) throw std::invalid_argument("not a JSON object");
    const auto& o = root.as_object();
    Command c;
    const auto* cmd = o.if_contains("cmd");
    if (!cmd || !cmd->is_string()) throw std::invalid_argument("missing string field 'cmd'");
    c.name = std::string(cmd->as_string());
    c.corr = get_string(o, "corr");
    if (c.name == "boot_result") {
        c.kind = Command::Kind::kBootResult;
        c.status = get_string(o, "status");
        if (c.status.empty()) throw std::invalid_argument("missing field 'status'");
        c.heartbeat_s = static_cast<int>(get_int(o, "heartbeat_s").value_or(0));
    } else if (c.name == "start") {
        c.kind = Command::Kind::kStart;
        c.connector = static_cast<int>(require_int(o, "connector"));
        c.order_id = require_int(o, "order_id");
    } else if (c.name == "stop") {
        c.kind = Command::Kind::kStop;
        c.connector = static_cast<int>(require_int(o, "connector"));
        c.order_id = get_int(o, "order_id");
        c.tx_id = get_string(o, "tx_id");
        c.reason = get_string(o, "reason");
    } else if (c.name == "tx_ack") {
        c.kind = Command::Kind::kTxAck;
        c.tx_id = get_string(o, "tx_id");
        if (c.tx_id.empty()) throw std::invalid_argument("missing field 'tx_id'");
        c.seq = static_cast<int>(require_int(o, "seq"));
    }
    return c;
}

}  // namespace kw::sim
