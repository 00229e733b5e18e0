#pragma once
// The one internal interface every WebSocket push goes through. Channels:
//   "connector:<charger code>:<n>"  status and meter updates of one connector
//   "charger:<charger code>"        online/offline, boot, status of every connector, alarms
//   "station:<id>"                  everything of the station's chargers
//   "order:<id>"                    the order's state changes and meter updates
//   "dashboard"                     network-wide counters changed (staff only)
//   "session:<token hash>"          internal: the login session was revoked; never client-subscribable
// A message is a JSON text {"channel":..., "event":..., "data":{...}}. publish() is thread-safe and
// never blocks; the local implementation is ws::Hub, a Redis-backed one fans out across instances.
#include <string>
#include <vector>

namespace kw::ws {

// The internal channel on which a login session's revocation is announced to its WebSockets.
inline std::string session_channel(const std::string& session) { return "session:" + session; }

class Push {
public:
    virtual ~Push() = default;
    virtual void publish(const std::string& channel, const std::string& event, const std::string& data_json) = 0;
    // False only when nobody can receive a message on any of these channels now, so the caller may
    // skip building it (a meter sample of a charger no one watches costs no push). A client that
    // subscribes at that moment reads the state through the API anyway, as after any reconnect.
    virtual bool watched(const std::vector<std::string>& channels) const {
        (void)channels;
        return true;
    }
    // One event on several channels (a charger's event goes to its charger, connector, station and
    // dashboard channels). The Redis-backed push sends them in one round trip instead of one each.
    virtual void publish_all(const std::vector<std::string>& channels, const std::string& event,
                             const std::string& data_json) {
        for (const auto& channel : channels) publish(channel, event, data_json);
    }
};

}  // namespace kw::ws
