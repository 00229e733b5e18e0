#include "ocpp_messages.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <cctype>
#include <charconv>
#include <cmath>

namespace kw::sim::ocpp {

namespace json = boost::json;

namespace {

// Lower case without '_', '-' and ' ': "Over_Temperature" and "overtemperature" are one name.
std::string folded(std::string_view s) {
    std::string out;
    for (char c : s)
        if (c != '_' && c != '-' && c != ' ')
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view cut(std::string_view s, std::size_t n) { return s.substr(0, std::min(s.size(), n)); }

json::object sampled(std::string value, std::string_view context, std::string_view measurand,
                     std::string_view location, std::string_view unit) {
    return json::object{{"value", std::move(value)}, {"context", context},   {"format", "Raw"},
                        {"measurand", measurand},    {"location", location}, {"unit", unit}};
}

std::string decimal(double v, int places) { return fmt::format("{:.{}f}", v, places); }

}  // namespace

std::string_view charge_point_status(const Connector& c, const OcppConnector& o) {
    switch (c.status) {
        case ConnectorStatus::kAvailable:
            return "Available";
        case ConnectorStatus::kPreparing:
            return "Preparing";
        case ConnectorStatus::kCharging:
            return "Charging";
        case ConnectorStatus::kSuspended:
            return o.ev_full ? "SuspendedEV" : "SuspendedEVSE";
        case ConnectorStatus::kFinishing:
            return "Finishing";
        case ConnectorStatus::kFaulted:
            return "Faulted";
        case ConnectorStatus::kUnavailable:
            return "Unavailable";
    }
    return "Unavailable";
}

std::string_view error_code_for_fault(std::string_view fault) {
    static constexpr std::array<std::string_view, 15> kCodes = {
        "ConnectorLockFailure", "EVCommunicationError", "GroundFailure", "HighTemperature",
        "InternalError",        "LocalListConflict",    "OtherError",    "OverCurrentFailure",
        "PowerMeterFailure",    "PowerSwitchFailure",   "ReaderFailure", "ResetFailure",
        "UnderVoltage",         "OverVoltage",          "WeakSignal"};
    struct Alias {
        std::string_view folded;
        std::string_view code;
    };
    static constexpr std::array<Alias, 9> kAliases = {{{"overtemperature", "HighTemperature"},
                                                       {"overheat", "HighTemperature"},
                                                       {"groundfault", "GroundFailure"},
                                                       {"overcurrent", "OverCurrentFailure"},
                                                       {"metererror", "PowerMeterFailure"},
                                                       {"meterfailure", "PowerMeterFailure"},
                                                       {"contactorfailure", "PowerSwitchFailure"},
                                                       {"lockfailure", "ConnectorLockFailure"},
                                                       {"evcommunication", "EVCommunicationError"}}};
    const std::string f = folded(fault);
    for (auto code : kCodes)
        if (folded(code) == f) return code;
    for (const auto& a : kAliases)
        if (a.folded == f) return a.code;
    return "OtherError";
}

std::string remote_start_refusal(const Connector& c, const OcppConnector& o, std::string_view id_tag) {
    if ((c.session || o.authorizing) && o.id_tag == id_tag) return "already_running";
    if (std::find(o.ended_tags.begin(), o.ended_tags.end(), id_tag) != o.ended_tags.end())
        return "already_ended";
    if (!c.fault.empty() || c.status == ConnectorStatus::kFaulted) return "faulted";
    if (o.inoperative || c.status == ConnectorStatus::kUnavailable) return "unavailable";
    if (c.session || o.authorizing) return "occupied";
    return "";
}

void remember_ended_tag(OcppConnector& o, std::string id_tag) {
    o.ended_tags.push_back(std::move(id_tag));
    if (o.ended_tags.size() > kEndedTagsKept) o.ended_tags.erase(o.ended_tags.begin());
}

std::optional<int> pick_connector(const std::vector<Connector>& connectors,
                                  const std::vector<OcppConnector>& ocpp, std::string_view id_tag) {
    for (std::size_t i = 0; i < connectors.size() && i < ocpp.size(); ++i)
        if (remote_start_refusal(connectors[i], ocpp[i], id_tag).empty()) return connectors[i].number;
    return std::nullopt;
}

std::optional<std::int64_t> order_of_tag(std::string_view id_tag) {
    constexpr std::string_view kPrefix = "KW-O";
    if (!id_tag.starts_with(kPrefix)) return std::nullopt;
    const std::string_view digits = id_tag.substr(kPrefix.size());
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec != std::errc() || end != digits.data() + digits.size() || id <= 0 || digits.front() == '0')
        return std::nullopt;
    return id;
}

json::object boot_notification(std::string_view vendor, std::string_view model, std::string_view firmware,
                               std::string_view serial) {
    json::object o{{"chargePointVendor", cut(vendor, 20)}, {"chargePointModel", cut(model, 20)}};
    if (!firmware.empty()) o["firmwareVersion"] = cut(firmware, 50);
    if (!serial.empty()) o["chargePointSerialNumber"] = cut(serial, 25);
    return o;
}

json::object status_notification(int connector_id, std::string_view status, const OcppConnector* o,
                                 WallTime ts) {
    json::object p{{"connectorId", connector_id},
                   {"errorCode", o ? std::string_view(o->error_code) : std::string_view("NoError")},
                   {"status", status},
                   {"timestamp", utc_iso(ts)}};
    if (o && !o->info.empty()) p["info"] = cut(o->info, 50);
    if (o && !o->vendor_error_code.empty()) p["vendorErrorCode"] = cut(o->vendor_error_code, 50);
    return p;
}

std::string energy_text(std::int64_t wh, EnergyUnit unit) {
    if (unit == EnergyUnit::kWh) return std::to_string(wh);
    // Integer arithmetic: the kWh text is exactly the Wh register, never a rounded double.
    const std::int64_t whole = wh / 1000, frac = std::abs(wh % 1000);
    return fmt::format("{}{}.{:03d}", wh < 0 && whole == 0 ? "-" : "", whole, frac);
}

bool supported_measurand(std::string_view m) {
    return m == "Energy.Active.Import.Register" || m == "Power.Active.Import" || m == "SoC" ||
           m == "Current.Import" || m == "Voltage";
}

json::object meter_value(const Sample& s, std::string_view context,
                         const std::vector<std::string>& measurands, EnergyUnit unit) {
    json::array values;
    for (const auto& m : measurands) {
        if (m == "Energy.Active.Import.Register")
            values.push_back(sampled(energy_text(s.energy_wh, unit), context, m, "Outlet",
                                     unit == EnergyUnit::kWh ? "Wh" : "kWh"));
        else if (m == "Power.Active.Import")
            values.push_back(sampled(std::to_string(s.power_w), context, m, "Outlet", "W"));
        else if (m == "Current.Import")
            values.push_back(sampled(decimal(s.current_a, 1), context, m, "Outlet", "A"));
        else if (m == "Voltage")
            values.push_back(sampled(decimal(s.voltage_v, 1), context, m, "Outlet", "V"));
        else if (m == "SoC" && s.soc)
            values.push_back(sampled(std::to_string(*s.soc), context, m, "EV", "Percent"));
    }
    return json::object{{"timestamp", utc_iso(s.ts)}, {"sampledValue", std::move(values)}};
}

}  // namespace kw::sim::ocpp
