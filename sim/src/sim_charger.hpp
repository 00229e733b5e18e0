#pragma once
// One simulated charger as the fleet and the control port see it, whatever protocol it speaks:
// Charger (kw-mqtt/1 over MQTT) or OcppCharger (OCPP 1.6J or 2.0.1 over WebSocket). The control operations
// are what the control port exposes (sim/README.md); connector numbers are 1-based and a bad one
// throws std::invalid_argument. Thread: the io_context thread only.
#include <boost/json/object.hpp>
#include <cstddef>
#include <string>

namespace kw::sim {

class SimCharger {
  public:
    virtual ~SimCharger() = default;

    virtual const std::string& code() const = 0;
    // Connected and wanted: false from kill()/shutdown() on, even before the socket is closed.
    virtual bool connected() const = 0;
    // The connection is (still) up, wanted or not: shutdown waits for this to drop.
    virtual bool link_up() const = 0;
    virtual bool booted() const = 0;
    virtual bool charging() const = 0;
    // Transaction messages not yet acknowledged by the server.
    virtual std::size_t unacked() const = 0;

    // First connect; retries with backoff while the server refuses or is away.
    virtual void start() = 0;
    // Clean shutdown: says goodbye as the protocol does and closes the connection.
    virtual void shutdown() = 0;

    virtual void kill() = 0;       // drop TCP without a goodbye; stays down
    virtual void reconnect() = 0;  // new connection (after kill, or drops the current one first)
    virtual void reboot() = 0;     // power cycle: running sessions end, the charger boots again
    virtual void stop_local(int connector) = 0;
    virtual void raise_fault(int connector, const std::string& code, const std::string& severity) = 0;
    virtual void clear_fault(int connector) = 0;
    virtual void plug(int connector) = 0;
    virtual void unplug(int connector) = 0;
    virtual void ev_full(int connector) = 0;
    virtual void set_power(int connector, int limit_w) = 0;  // < 0: no limit; 0 suspends the session
    virtual void drop_next_starts(int count) = 0;
    // The charger's clock runs this far from the real time (a wrong clock): every time it sends.
    virtual void set_clock_offset(int seconds) = 0;
    virtual int duplicate_tx() = 0;  // sends the transaction history again; returns how many
    virtual void hold_tx(bool on) = 0;

    virtual boost::json::object status_json() const = 0;
};

}  // namespace kw::sim
