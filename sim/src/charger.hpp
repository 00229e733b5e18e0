#pragma once
// One simulated charger speaking kw-mqtt/1: its MQTT connection, boot/heartbeat cycle, connectors
// and sessions, and the store of unacknowledged tx events replayed after every (re)boot. The public
// control operations are what the control port exposes.
// Thread: everything, including construction and destruction, on the io_context thread that runs
// `ex` (the simulator runs one thread).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "charger_spec.hpp"
#include "connector.hpp"
#include "device/mqtt/client.hpp"
#include "messages.hpp"
#include "sim_charger.hpp"
#include "sim_settings.hpp"
#include "tx_event_store.hpp"

namespace kw::sim {

class Charger final : public SimCharger {
  public:
    Charger(boost::asio::any_io_executor ex, ChargerSpec spec, const SimSettings& settings);
    ~Charger() override;
    Charger(const Charger&) = delete;
    Charger& operator=(const Charger&) = delete;

    const std::string& code() const override { return spec_.code; }
    bool connected() const override;
    bool link_up() const override;
    bool booted() const override { return booted_; }
    bool charging() const override;
    std::size_t unacked() const override { return store_.pending_count(); }

    void start() override;
    // Publishes state {"online":false,"reason":"shutdown"} and DISCONNECTs.
    void shutdown() override;

    void kill() override;  // drop TCP without DISCONNECT (the will fires); stays down
    void reconnect() override;
    void reboot() override;  // new boot_id, running sessions end with reason "reboot"
    void stop_local(int connector) override;
    void raise_fault(int connector, const std::string& code,
                     const std::string& severity) override;  // 0: whole charger
    void clear_fault(int connector) override;
    void plug(int connector) override;
    void unplug(int connector) override;
    void ev_full(int connector) override;
    void set_power(int connector, int limit_w) override;
    void drop_next_starts(int count) override { drop_starts_ = count; }
    void set_clock_offset(int seconds) override;
    int duplicate_tx() override;  // re-publishes the event history
    void hold_tx(bool on) override;

    boost::json::object status_json() const override;

  private:
    // connection (charger.cpp)
    void connect();
    void on_connected(unsigned generation);
    void on_disconnected(unsigned generation, int rc);
    void on_message(const mqtt::Message& m);
    void send_boot();
    void on_boot_result(const Command& c);
    void after_boot();
    void schedule_heartbeat();
    void publish(std::string_view kind, std::string payload, int qos, std::string correlation = {});
    bool online() const { return booted_ && connected(); }
    WallTime wall_now() const;  // the charger's own clock: real time + clock offset
    void cancel_timers();

    // sessions (charger_sessions.cpp)
    void handle_start(const Command& c, const std::string& correlation);
    void handle_stop(const Command& c, const std::string& correlation);
    void send_ack(const Command& c, const std::string& correlation, bool accepted, std::string_view reason);
    void begin_session(Connector& con, std::int64_t order_id);
    void end_session(Connector& con, std::string_view reason, ConnectorStatus next);
    void set_status(Connector& con, ConnectorStatus status);
    void publish_status(const Connector& con);
    void publish_meter(Connector& con);
    bool update_energy(Connector& con);  // true when the EV became full
    void ensure_tick();
    void on_tick();
    void store_tx(std::string tx_id, int seq, std::string payload);
    void replay_tx();
    void schedule_finish(Connector& con);
    Connector& connector_at(int number);

    boost::asio::any_io_executor ex_;
    ChargerSpec spec_;
    const SimSettings& settings_;
    std::mt19937_64 rng_;
    std::unique_ptr<mqtt::MqttClient> client_;
    unsigned generation_ = 0;  // bumps with every new client, so stale callbacks are ignored
    std::string boot_id_;
    int tx_counter_ = 0;
    bool booted_ = false;
    bool down_ = true;  // no connection wanted: not started yet, killed, rebooting or shut down
    bool started_ = false;
    bool held_ = false;
    int drop_starts_ = 0;
    std::chrono::milliseconds clock_offset_{0};
    int heartbeat_s_ = 30;
    int boot_attempts_ = 0;
    std::vector<Connector> connectors_;
    std::vector<std::unique_ptr<boost::asio::steady_timer>> finish_timers_;
    TxEventStore store_;
    boost::asio::steady_timer heartbeat_timer_;
    boost::asio::steady_timer boot_timer_;
    boost::asio::steady_timer tick_timer_;
    boost::asio::steady_timer reboot_timer_;
    bool ticking_ = false;
};

}  // namespace kw::sim
