#include "ocpp_config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include "ocpp_messages.hpp"

namespace kw::sim::ocpp {

namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::vector<std::string> split_list(std::string_view s) {
    std::vector<std::string> out;
    while (!s.empty()) {
        const auto comma = s.find(',');
        const auto item = trim(s.substr(0, comma));
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        s.remove_prefix(comma + 1);
    }
    return out;
}

std::optional<int> parse_int(std::string_view s) {
    s = trim(s);
    int v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

using T = ConfigStore::Type;

}  // namespace

ConfigStore::ConfigStore(int connectors, int heartbeat_s, int meter_interval_s) {
    const auto rw = [&](std::string name, std::string value, Type type, int min = 0, int max = 1'000'000) {
        keys_.push_back(Key{std::move(name), std::move(value), false, type, min, max});
    };
    const auto ro = [&](std::string name, std::string value, Type type) {
        keys_.push_back(Key{std::move(name), std::move(value), true, type});
    };
    rw("AuthorizeRemoteTxRequests", "false", T::kBool);
    rw("ClockAlignedDataInterval", "0", T::kInt, 0, 86400);  // stored; no clock-aligned samples are sent
    rw("ConnectionTimeOut", "60", T::kInt, 0, 3600);         // stored; sessions start remotely only
    rw("ConnectorPhaseRotation", "NotApplicable", T::kText);
    ro("GetConfigurationMaxKeys", "50", T::kInt);
    rw("HeartbeatInterval", std::to_string(heartbeat_s), T::kInt, 1, 86400);
    rw("LocalAuthorizeOffline", "true", T::kBool);
    rw("LocalPreAuthorize", "false", T::kBool);
    rw("MeterValuesAlignedData", "Energy.Active.Import.Register", T::kMeasurands, 0, 5);
    rw("MeterValuesSampledData", "Energy.Active.Import.Register,Power.Active.Import,SoC", T::kMeasurands, 0,
       5);
    ro("MeterValuesSampledDataMaxLength", "5", T::kInt);
    rw("MeterValueSampleInterval", std::to_string(meter_interval_s), T::kInt, 0, 3600);
    ro("NumberOfConnectors", std::to_string(connectors), T::kInt);
    rw("ResetRetries", "3", T::kInt, 0, 100);
    ro("StopTransactionOnEVSideDisconnect", "true", T::kBool);
    rw("StopTransactionOnInvalidId", "true", T::kBool);
    rw("StopTxnAlignedData", "", T::kMeasurands, 0, 5);
    rw("StopTxnSampledData", "Energy.Active.Import.Register", T::kMeasurands, 0, 5);
    ro("SupportedFeatureProfiles", "Core,RemoteTrigger", T::kText);
    rw("TransactionMessageAttempts", "3", T::kInt, 1, 100);
    rw("TransactionMessageRetryInterval", "10", T::kInt, 1, 3600);
    rw("UnlockConnectorOnEVSideDisconnect", "true", T::kBool);
    rw("WebSocketPingInterval", "0", T::kInt, 0, 3600);  // from the next connection on
}

const ConfigStore::Key* ConfigStore::find(std::string_view key) const {
    for (const auto& k : keys_)
        if (iequals(k.name, key)) return &k;
    return nullptr;
}

ConfigStore::Key* ConfigStore::find(std::string_view key) {
    return const_cast<Key*>(static_cast<const ConfigStore*>(this)->find(key));
}

std::optional<std::string> ConfigStore::canonical(std::string_view key) const {
    const Key* k = find(key);
    if (!k) return std::nullopt;
    return k->name;
}

std::vector<ConfigStore::Key> ConfigStore::get(const std::vector<std::string>& wanted,
                                               std::vector<std::string>& unknown) const {
    if (wanted.empty()) return keys_;
    std::vector<Key> out;
    for (const auto& w : wanted) {
        if (const Key* k = find(w))
            out.push_back(*k);
        else
            unknown.push_back(w);
    }
    return out;
}

ConfigStore::Change ConfigStore::change(std::string_view key, std::string_view value) {
    Key* k = find(key);
    if (!k) return Change::kNotSupported;
    if (k->readonly) return Change::kRejected;
    switch (k->type) {
        case Type::kInt: {
            const auto v = parse_int(value);
            if (!v || *v < k->min || *v > k->max) return Change::kRejected;
            k->value = std::to_string(*v);
            break;
        }
        case Type::kBool:
            if (iequals(trim(value), "true"))
                k->value = "true";
            else if (iequals(trim(value), "false"))
                k->value = "false";
            else
                return Change::kRejected;
            break;
        case Type::kMeasurands: {
            const auto items = split_list(value);
            if (static_cast<int>(items.size()) > k->max) return Change::kRejected;
            for (const auto& m : items)
                if (!supported_measurand(m)) return Change::kRejected;
            std::string joined;
            for (const auto& m : items) joined += (joined.empty() ? "" : ",") + m;
            k->value = joined;
            break;
        }
        case Type::kText:
            k->value = std::string(value);
            break;
    }
    return Change::kAccepted;
}

void ConfigStore::set(std::string_view key, std::string value) {
    Key* k = find(key);
    if (!k) throw std::out_of_range("no configuration key " + std::string(key));
    k->value = std::move(value);
}

int ConfigStore::integer(std::string_view key) const { return parse_int(text(key)).value_or(0); }

bool ConfigStore::boolean(std::string_view key) const { return text(key) == "true"; }

std::vector<std::string> ConfigStore::list(std::string_view key) const { return split_list(text(key)); }

const std::string& ConfigStore::text(std::string_view key) const {
    const Key* k = find(key);
    if (!k) throw std::out_of_range("no configuration key " + std::string(key));
    return k->value;
}

std::string_view change_status_name(ConfigStore::Change change) {
    switch (change) {
        case ConfigStore::Change::kAccepted:
            return "Accepted";
        case ConfigStore::Change::kRejected:
            return "Rejected";
        case ConfigStore::Change::kRebootRequired:
            return "RebootRequired";
        case ConfigStore::Change::kNotSupported:
            return "NotSupported";
    }
    return "Rejected";
}

}  // namespace kw::sim::ocpp
