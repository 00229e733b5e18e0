#pragma once
// The charge point's configuration keys (OCPP 1.6 section 9), in memory: what GetConfiguration
// reports and ChangeConfiguration changes. Every key has a type (integer, boolean, a list of
// measurands, text) that a new value must have, and may be read-only. Keys are matched without
// regard to letter case and reported with their canonical names. The charger reads its settings
// from here (HeartbeatInterval, MeterValueSampleInterval, MeterValuesSampledData, ...), so a change
// takes effect from the next use. Pure data; owned by one charger, its io_context thread only.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kw::sim::ocpp {

class ConfigStore {
  public:
    enum class Type { kInt, kBool, kMeasurands, kText };
    struct Key {
        std::string name;
        std::string value;
        bool readonly = false;
        Type type = Type::kText;
        int min = 0;          // kInt: allowed range
        int max = 1'000'000;  // kInt; kMeasurands: most items
    };
    // ChangeConfiguration.conf status values.
    enum class Change { kAccepted, kRejected, kRebootRequired, kNotSupported };

    // The Core profile's keys with the simulator's defaults (ocpp_config.cpp lists them).
    ConfigStore(int connectors, int heartbeat_s, int meter_interval_s);

    // GetConfiguration: every key when `wanted` is empty; otherwise the known ones, and the names
    // not known in `unknown` (as asked).
    std::vector<Key> get(const std::vector<std::string>& wanted, std::vector<std::string>& unknown) const;
    // ChangeConfiguration: NotSupported for an unknown key, Rejected for a read-only key or a value
    // of the wrong type or out of range, else stored and Accepted.
    Change change(std::string_view key, std::string_view value);
    // Sets a key regardless of read-only (the charger's own doing, e.g. the boot answer's interval).
    void set(std::string_view key, std::string value);

    // Typed reads of known keys (std::out_of_range for an unknown key).
    int integer(std::string_view key) const;
    bool boolean(std::string_view key) const;
    std::vector<std::string> list(std::string_view key) const;  // comma-separated, trimmed, no empties
    const std::string& text(std::string_view key) const;

    // The canonical name of a key, nullopt when unknown.
    std::optional<std::string> canonical(std::string_view key) const;

  private:
    const Key* find(std::string_view key) const;
    Key* find(std::string_view key);
    std::vector<Key> keys_;
};

std::string_view change_status_name(ConfigStore::Change change);

}  // namespace kw::sim::ocpp
