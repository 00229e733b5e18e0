#pragma once
// Live charger state in Redis, the single truth for "is it online, what is it doing now":
//   <prefix>online:<code>            "1" with a TTL of heartbeat_s * missed_heartbeats; gone = offline
//   <prefix>presence                 sorted set code -> last heartbeat ms (finds chargers that went silent)
//   <prefix>charger:<code>           hash: boot_id, boot_at, station_id, last_seen, vendor, model, firmware,
//                                    clock_offset_ms (charger clock - server clock; absent: never measured)
//   <prefix>conn:<code>:<n>          hash: status, power_w, energy_wh, voltage_v, current_a, soc, at,
//                                    order_id, tx_id
//   <prefix>presence_since           ms since which this Redis has tracked presence (set when missing:
//                                    a new or emptied Redis); before a heartbeat period has passed,
//                                    a charger without presence is unknown, not offline
// Cheap to construct (holds references); used from worker threads.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "live/redis.hpp"

namespace kw::live {

struct ConnectorLive {
    std::string status = "unknown";   // available | preparing | charging | suspended | finishing | faulted | unavailable | unknown
    std::int64_t power_w = 0;
    std::int64_t energy_wh = 0;       // the connector's meter register
    double voltage_v = 0;
    double current_a = 0;
    std::optional<std::int64_t> soc;
    UtcMs at = 0;                     // time of the latest sample or status
    std::int64_t order_id = 0;
    std::string tx_id;
};

struct ChargerLive {
    bool online = false;
    UtcMs last_seen = 0;
    std::string boot_id;          // empty: never booted here (unknown to live state)
    std::int64_t station_id = 0;  // recorded at boot
    std::optional<UtcMs> clock_offset_ms;  // domain/charger_clock.hpp; nullopt: never measured
};

class LiveState {
public:
    LiveState(Redis& redis, std::string prefix) : redis_(redis), prefix_(std::move(prefix)) {}

    ChargerLive charger(const std::string& code);
    // Online flags of many chargers in one round trip.
    std::map<std::string, bool> online(const std::vector<std::string>& codes);
    ConnectorLive connector(const std::string& code, int number);
    // Chargers and one connector of each, for many (code, connector) pairs in one round trip (a batch
    // of meter samples' first read); one entry per pair, in order.
    std::vector<std::pair<ChargerLive, ConnectorLive>> chargers_and_connectors(
        const std::vector<std::pair<std::string, int>>& connectors);
    // The same read as commands, for a caller that sends more in its round trip: the commands first,
    // then chargers_and_connectors_from the replies (it reads the first 3 per pair; more may follow).
    std::vector<std::vector<std::string>> chargers_and_connectors_commands(
        const std::vector<std::pair<std::string, int>>& connectors) const;
    static std::vector<std::pair<ChargerLive, ConnectorLive>> chargers_and_connectors_from(
        const std::vector<RedisReply>& replies, std::size_t pairs);
    // Connectors 1..count of one charger in one round trip.
    std::vector<ConnectorLive> connectors(const std::string& code, int count);
    // The online flag and connectors 1..count of many chargers in one round trip (a station list
    // used to pay one round trip per online charger). One entry per request, in order.
    struct Request {
        std::string code;
        int connectors = 0;
    };
    struct Snapshot {
        bool online = false;
        std::vector<ConnectorLive> connectors;  // connectors[n - 1] is connector n
    };
    std::vector<Snapshot> snapshot(const std::vector<Request>& chargers);

    // Writers (device handlers).
    void mark_seen(const std::string& code, UtcMs now, std::int64_t ttl_s);
    // Removes the online flag; true if this call changed it (so only one instance reports it).
    bool mark_offline(const std::string& code);
    // How many chargers were seen at or after `since` (one ZCOUNT on the presence set).
    std::int64_t count_seen_since(UtcMs since);
    // Chargers whose last heartbeat is older than cutoff.
    std::vector<std::string> silent_since(UtcMs cutoff);
    // Since when this Redis has known who is online (written as `now` if it did not know: a new or
    // emptied Redis). One round trip.
    UtcMs presence_since(UtcMs now);
    void set_boot(const std::string& code, const std::string& boot_id, UtcMs now, std::int64_t station_id,
                  const std::string& vendor, const std::string& model, const std::string& firmware);
    void set_connector_status(const std::string& code, int number, const std::string& status, UtcMs at);
    void set_clock_offset(const std::string& code, UtcMs offset_ms);
    // The charger's clock offset alone (one HGET); nullopt: never measured.
    std::optional<UtcMs> clock_offset(const std::string& code);
    // The HSET that records a meter sample, for the caller to send in one pipeline with its other
    // writes (the meter sample is the hot path: one round trip fewer per sample).
    std::vector<std::string> connector_meter_command(const std::string& code, int number, const ConnectorLive& sample) const;
    void set_connector_order(const std::string& code, int number, std::int64_t order_id, const std::string& tx_id);
    // The HSET of set_connector_order, for a caller that sends it with other writes in one round trip.
    std::vector<std::string> connector_order_command(const std::string& code, int number, std::int64_t order_id,
                                                     const std::string& tx_id) const;

private:
    std::string key(const std::string& kind, const std::string& rest) const { return prefix_ + kind + ":" + rest; }
    Redis& redis_;
    std::string prefix_;
};

}  // namespace kw::live
