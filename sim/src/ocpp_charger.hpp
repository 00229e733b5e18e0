#pragma once
// One simulated charger speaking OCPP 1.6J, or 2.0.1 (settings.protocol), to a central system
// (kilowatt-ocpp) over a WebSocket:
// BootNotification / Heartbeat / StatusNotification, remote start and stop, StartTransaction /
// MeterValues / StopTransaction kept in its outbox until answered, the central system's other Core
// and RemoteTrigger calls (Reset, UnlockConnector, ChangeAvailability, Get/ChangeConfiguration,
// TriggerMessage, ClearCache, DataTransfer), and the control operations of the kw-mqtt/1 Charger
// where they make sense (sim/README.md). The connectors, power curve and energy registers are the
// same as the kw-mqtt/1 Charger's.
// OCPP 2.0.1 is a version switch (v201()) inside this class, not a second class: the link, boot,
// heartbeats, outbox, energy, statuses and control operations are the same; the payloads come from
// ocpp201_messages.*, the central system's 2.0.1 CALLs are answered in ocpp201_charger_calls.cpp,
// and a transaction's messages are TransactionEvents (Started / Updated / Ended, seqNo from 0,
// `offline` when made while not connected) instead of Start/StopTransaction and MeterValues.
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
#include "messages.hpp"
#include "ocpp_config.hpp"
#include "ocpp_frames.hpp"
#include "ocpp_messages.hpp"
#include "ocpp201_messages.hpp"
#include "ocpp_outbox.hpp"
#include "sim_charger.hpp"
#include "sim_settings.hpp"

namespace kw::sim {

class OcppLink;

class OcppCharger final : public SimCharger {
  public:
    OcppCharger(boost::asio::any_io_executor ex, ChargerSpec spec, const SimSettings& settings);
    ~OcppCharger() override;
    OcppCharger(const OcppCharger&) = delete;
    OcppCharger& operator=(const OcppCharger&) = delete;

    const std::string& code() const override { return spec_.code; }
    bool connected() const override;
    bool link_up() const override;
    bool booted() const override { return booted_; }
    bool charging() const override;
    std::size_t unacked() const override { return outbox_.transaction_messages(); }

    void start() override;
    void shutdown() override;  // a close frame (1001 going away)

    void kill() override;  // drop TCP without a close frame; stays down
    void reconnect() override;
    void reboot() override;  // sessions end with reason Reboot (sent after the new BootNotification)
    void stop_local(int connector) override;
    void raise_fault(int connector, const std::string& code, const std::string& severity) override;
    void clear_fault(int connector) override;
    void plug(int connector) override;
    void unplug(int connector) override;
    void ev_full(int connector) override;
    void set_power(int connector, int limit_w) override;
    void drop_next_starts(int count) override { drop_starts_ = count; }
    void set_clock_offset(int seconds) override;
    int duplicate_tx() override;
    void hold_tx(bool on) override;

    boost::json::object status_json() const override;

  private:
    struct InFlight {  // our CALL waiting for its answer
        std::string id;
        ocpp::Outbox::Sending call;
    };

    // connection, boot, heartbeat, our CALLs and their answers (ocpp_charger.cpp)
    void connect();
    void on_open(unsigned generation);
    void on_closed(unsigned generation, const std::string& why);
    void on_text(unsigned generation, const std::string& text);
    void went_offline();
    void schedule_reconnect();
    void queue_boot();
    void on_boot_answer(const boost::json::object& answer);
    void boot_failed();
    void after_boot(bool resumed);
    void schedule_heartbeat();
    void queue(ocpp::OutgoingCall call);
    void pump();
    void arm_retry();
    void on_call_result(const ocpp::CallResult& result);
    void on_call_error(const ocpp::CallError& error);
    void on_call_timeout(const std::string& id);
    void call_failed(const InFlight& call, bool retryable, std::string_view why);
    void answer(const std::string& id, boost::json::object payload);
    void answer_error(const std::string& id, std::string_view code, std::string_view description);
    void cancel_timers();
    void power_cycle(std::string_view stop_reason, bool graceful);  // ocpp_charger_local.cpp
    void power_up();  // a new boot_id; the next connection sends a BootNotification
    WallTime wall_now() const;

    // the central system's CALLs (ocpp_charger_calls.cpp)
    void on_call(const ocpp::Call& call);
    void remote_start(const ocpp::Call& call);
    void remote_stop(const ocpp::Call& call);
    void reset(const ocpp::Call& call);
    // Soft reset: restart once the StopTransactions are answered (or at `deadline`).
    void finish_soft_reset(std::chrono::steady_clock::time_point deadline);
    void unlock_connector(const ocpp::Call& call);
    void change_availability(const ocpp::Call& call);
    void get_configuration(const ocpp::Call& call);
    void change_configuration(const ocpp::Call& call);
    void trigger_message(const ocpp::Call& call);
    void on_authorize_answer(const std::string& id_tag, bool accepted);

    // OCPP 2.0.1: the central system's CALLs (ocpp201_charger_calls.cpp) and transaction events
    bool v201() const { return settings_.protocol == Protocol::kOcpp201; }
    std::string_view protocol_name() const { return v201() ? "ocpp2.0.1" : "ocpp1.6"; }
    void on_call_201(const ocpp::Call& call);
    void request_start(const ocpp::Call& call);
    void request_stop(const ocpp::Call& call);
    void reset_201(const ocpp::Call& call);
    void unlock_connector_201(const ocpp::Call& call);
    void change_availability_201(const ocpp::Call& call);
    void get_variables(const ocpp::Call& call);
    void set_variables(const ocpp::Call& call);
    void get_base_report(const ocpp::Call& call);
    void trigger_message_201(const ocpp::Call& call);
    void get_transaction_status(const ocpp::Call& call);
    void config_changed(const std::string& key);  // a configuration key (1.6) / variable (2.0.1) changed
    // A TransactionEvent of the connector's transaction (kept until answered), its next seqNo.
    void queue_tx_event(Connector& con, std::string_view type, std::string_view trigger,
                        std::string_view stopped_reason, std::optional<boost::json::object> meter_value);
    ocpp201::StationInfo station_info() const;
    boost::json::object boot_request(std::string_view reason_201) const;

    // sessions, meter values and statuses (ocpp_charger_sessions.cpp); the control operations
    // (public above) and power_cycle are in ocpp_charger_local.cpp
    void begin_session(Connector& con, std::string id_tag);
    void end_session(Connector& con, std::string_view reason, ConnectorStatus next);
    void on_start_answer(const InFlight& call, const boost::json::object& answer);
    void ev_became_full(Connector& con);
    void set_status(Connector& con, ConnectorStatus status);
    ConnectorStatus rest_status(const Connector& con) const;  // without a session
    std::string_view station_status() const;                  // connector 0
    void queue_status(int connector);                         // 0: the charge point itself
    void queue_meter(Connector& con, std::string_view context);
    ocpp::Sample sample_of(const Connector& con) const;
    bool update_energy(Connector& con);  // true when the EV became full
    void ensure_tick();
    void on_tick();
    void schedule_finish(Connector& con);
    Connector& connector_at(int number);
    ocpp::OcppConnector& extra(const Connector& con) { return ocpp_[con.number - 1]; }
    ocpp::EnergyUnit energy_unit() const;

    boost::asio::any_io_executor ex_;
    ChargerSpec spec_;
    const SimSettings& settings_;
    ocpp::CentralSystemUrl url_;
    std::mt19937_64 rng_;
    std::unique_ptr<OcppLink> link_;
    unsigned generation_ = 0;  // bumps with every new link, so stale callbacks are ignored
    std::string boot_id_;      // the simulator's own power-up id (logs and status; OCPP has none)
    bool started_ = false;
    bool down_ = true;     // no connection wanted: not started yet, killed, rebooting or shut down
    bool booted_ = false;  // may send: the boot of this power-up was accepted and the link is up
    // A BootNotification was accepted since this power-up: a new connection after a network drop
    // sends none (OCPP 1.6 4.2: one per power-up) unless settings.ocpp_boot_on_reconnect.
    bool boot_accepted_ = false;
    bool held_ = false;
    bool resetting_ = false;  // a Reset was accepted: no new transactions until the reboot
    bool reset_on_idle_ = false;          // 2.0.1 Reset OnIdle with transactions: once they have ended
    std::string boot_reason_ = "PowerUp";  // 2.0.1 BootNotification reason of the next boot
    std::int64_t local_list_version_ = 0;  // 2.0.1 SendLocalList (the list itself is not kept)
    int drop_starts_ = 0;
    std::chrono::milliseconds clock_offset_{0};
    int heartbeat_s_ = 30;
    int boot_attempts_ = 0;
    int connect_attempts_ = 0;
    int local_tx_counter_ = 0;  // never reset: local transaction numbers stay unique in the outbox
    std::uint64_t message_counter_ = 0;
    std::vector<Connector> connectors_;
    std::vector<ocpp::OcppConnector> ocpp_;
    bool station_inoperative_ = false;  // ChangeAvailability of connector 0
    std::string station_fault_;         // a fault on connector 0 (control `fault CODE 0 ...`)
    std::string station_reported_;      // the last status reported for connector 0
    ocpp::ConfigStore config_;
    ocpp::Outbox outbox_;
    std::optional<InFlight> in_flight_;
    std::vector<std::unique_ptr<boost::asio::steady_timer>> finish_timers_;
    boost::asio::steady_timer heartbeat_timer_;
    boost::asio::steady_timer boot_timer_;
    boost::asio::steady_timer tick_timer_;
    boost::asio::steady_timer reboot_timer_;
    boost::asio::steady_timer reconnect_timer_;
    boost::asio::steady_timer call_timer_;
    boost::asio::steady_timer retry_timer_;
    boost::asio::steady_timer reset_timer_;
    bool ticking_ = false;
};

}  // namespace kw::sim
