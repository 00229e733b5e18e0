#pragma once
// One OCPP 1.6J charge point as the core sees it: translates its CALLs into kw-mqtt/1 messages
// (docs/ocpp.md has the mapping) and the core's kw-mqtt/1 commands into CALLs to it, and answers the
// CALLs that need the core (BootNotification, StopTransaction) when the core has answered, or what
// OCPP allows when it has not in time. Sans I/O: the owner feeds it frames, commands and the time,
// and carries out what it asks through Io. Not thread-safe: one strand (the station's connection).
#include <boost/json/object.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "charge_point.hpp"
#include "rpc.hpp"

namespace kw::ocpp::v16 {

using ocpp::Io;
using ocpp::Reading;
using ocpp::order_from_tag;
using ocpp::order_tag;
using ocpp::UtcMs;

struct Settings {
    int boot_answer_ms = 10000;     // BootNotification: answered Pending when the core is slower
    int stop_answer_ms = 15000;     // StopTransaction: a CALLERROR (the station sends it again) after this
    // StopTransaction waiting for the core: its ended event is published again this often (the core
    // may have failed to store it, e.g. its database was restarting; the station's next Heartbeat,
    // which replays it too, may be 30 s or more away, and its transaction messages wait meanwhile).
    int stop_replay_ms = 5000;
    int call_timeout_ms = 30000;    // our CALL to the station: given up after this
    int pending_interval_s = 30;    // the interval of a Pending boot answer
    int authorize_answer_ms = 5000;  // Authorize: after this, Accepted only for a tag accepted before
    int card_start_answer_ms = 15000;  // StartTransaction with a card: unanswered after this (sent again)
};

// How a CALLRESULT of ours reads as a kw-mqtt/1 `ack` (operator_commands.cpp).
struct Answer {
    bool accepted = false;
    std::string reason;
    boost::json::object result;  // empty: none
};
Answer interpret_answer(std::string_view action, const boost::json::object& payload);
// A card status of the core (accepted, blocked, expired, invalid, concurrent_tx) as OCPP's idTagInfo status.
std::string_view ocpp_id_tag_status(std::string_view kw_status);
// A CALLERROR to an operator's command: refused, the error code in snake case ("not_implemented").
Answer error_answer(std::string_view error_code);

class Station : public ChargePoint {
  public:
    Station(std::string code, Io& io, Settings settings = {});

    const std::string& code() const { return code_; }
    // A text frame from the charge point.
    void on_frame(std::string_view text) override;
    // The payload of kw/v1/<code>/cmd from the core.
    void on_command(std::string_view payload) override;
    // Called about once a second: deadlines.
    void on_tick() override;
    // The WebSocket is open: the station is online for the core from now, even before (or without)
    // a BootNotification, which OCPP 1.6 sends only at power-up, not after a reconnect.
    void on_connected() override;
    // The MQTT link to the broker is (again) up: unacknowledged tx events go again.
    void on_broker_connected() override;

    std::size_t unacked_tx_events() const { return tx_store_.size(); }

  private:
    struct Outgoing {       // a CALL to the station, sent one at a time
        std::string action;
        boost::json::object payload;
        std::string corr;   // the core command it carries out ("o42-start"), if any
        std::string cmd;    // "start" / "stop"
    };
    struct Waiting {        // a CALL of the station waiting for the core
        std::string message_id;
        UtcMs deadline = 0;
        UtcMs replay_at = 0;  // StopTransaction: when its ended event goes again (0: never)
    };
    struct StoredTx {       // a tx event published and not yet acknowledged by the core
        std::string tx_id;
        int seq = 0;
        std::string payload;
    };
    struct Tx {             // what StartTransaction said, for the StopTransaction that has no connector
        int connector = 0;
        std::int64_t meter_start_wh = 0;
        std::string started_at;
    };
    struct CardStart {      // a StartTransaction with a card, waiting for the core's order
        std::string message_id;
        UtcMs deadline = 0;
        Tx tx;
    };

    // Station -> core (one function per CALL; v16/<message>.cpp)
    void dispatch(const Call& call);
    void boot_notification(const Call& call);
    void heartbeat(const Call& call);
    void status_notification(const Call& call);
    void meter_values(const Call& call);
    void start_transaction(const Call& call);
    void stop_transaction(const Call& call);
    void authorize(const Call& call);
    void data_transfer(const Call& call);

    // Core -> station
    void boot_result(const boost::json::object& cmd);
    void remote_start(const boost::json::object& cmd);
    void remote_stop(const boost::json::object& cmd);
    void tx_ack(const boost::json::object& cmd);
    void authorize_result(const boost::json::object& cmd);
    void start_with_card(const Call& call);
    void card_start_answered(const std::string& tx_id, const boost::json::object& cmd);
    void card_deadlines(UtcMs now);
    void on_call_result(const CallResult& result);
    void on_call_error(const CallError& error);
    void finish_outgoing(std::optional<Answer> answer);  // nullopt: none (an error, or no answer in time)
    void operator_command(std::string_view name, const boost::json::object& cmd);
    void ack(std::string_view corr, std::string_view cmd, bool accepted, std::string_view reason,
             const boost::json::object& result = {});
    bool has_ended(std::int64_t order) const;

    // Every frame to the station goes through here, and is logged (log_).
    void send(std::string frame);
    // The message log (kw-mqtt/1 `log`, published once a second from on_tick): both directions,
    // each frame cut at kLogFrameChars.
    void answer(std::string_view message_id, const boost::json::value& payload);
    void answer_error(std::string_view message_id, ErrorKind kind, std::string_view description);
    void queue_call(Outgoing call);
    void send_next_call();
    void publish_tx(const std::string& tx_id, int seq, boost::json::object event);
    void replay_tx();  // every unacknowledged tx event again, oldest first
    void replay_waiting_stops(UtcMs now);  // the ended events of the StopTransactions still waiting
    // may_have_waited: the reading may have waited in the station's queue (meter_values.cpp).
    void publish_meter(std::int64_t connector, const boost::json::object& meter_value, const std::string& tx_id,
                       bool may_have_waited);
    void publish_heartbeat();  // kw-mqtt/1 heartbeat, with the station's time when it is known
    std::string time_of(const boost::json::value* timestamp, std::string_view what);
    // Marks a kw-mqtt/1 message `queued` when its time (as time_of wrote it) is over a minute before
    // now: a station's clock is set by our BootNotification and Heartbeat answers, so such a time is
    // of a message it kept while offline, not a wrong clock (docs/ocpp.md).
    void mark_queued(boost::json::object& message, const std::string& ts);

    std::string code_;
    Io& io_;
    Settings settings_;
    std::optional<Waiting> boot_waiting_;
    std::map<std::string, Waiting> stops_waiting_;                 // by tx_id
    std::map<std::string, Waiting> authorizes_waiting_;            // by corr
    std::map<std::string, std::string> authorize_tags_;            // corr -> id tag
    std::map<std::string, UtcMs> accepted_tags_;                   // id tag -> when the core last accepted it
    std::map<std::string, CardStart> card_starts_;                 // by the started event's tx_id
    std::deque<StoredTx> tx_store_;                                // until tx_ack, oldest first
    std::map<std::int64_t, Tx> transactions_;                      // by transactionId (= order id)
    std::set<std::int64_t> remote_starts_;                         // orders with a RemoteStart queued or sent
    std::deque<std::int64_t> ended_orders_;                        // the last 64 stopped, for repeated commands
    std::deque<Outgoing> outgoing_;
    std::optional<std::string> in_flight_id_;                      // our CALL awaiting its answer
    UtcMs in_flight_deadline_ = 0;
    std::uint64_t next_id_ = 1;
    FrameLog log_;                  // frames not published yet
    std::string boot_id_;           // of this connection's BootNotifications (boot_notification.cpp)
    bool station_faulted_ = false;  // connector 0 reported Faulted
    // The station's clock minus ours, from its latest live meter reading (meter_values.cpp): a
    // Heartbeat carries no time of the station's, so the kw-mqtt/1 heartbeat's ts is ours plus this
    // (nothing before the first reading; the first reading publishes one). The core measures a
    // charger's clock from the ts of its heartbeats (and from then on from its readings); without it
    // an OCPP station's clock was never measured and its wrong times were believed.
    std::optional<UtcMs> clock_offset_;
    // When we last answered a CALL of the station (0: none yet on this connection). OCPP-J lets a station have one CALL outstanding,
    // so one that comes right after an answer may have waited in its queue (behind a StopTransaction
    // the core had not stored, or after a reconnect): its timestamp is no measure of its clock.
    UtcMs last_answer_at_ = 0;
    std::string station_fault_;
};

// One MeterValue as a kw-mqtt/1 sample (meter_values.cpp says which sampled values count).
std::optional<Reading> reading_of(const boost::json::object& meter_value);

// OCPP 1.6 StopTransaction reason -> kw-mqtt/1 ended reason.
std::string_view kw_stop_reason(std::string_view ocpp_reason);
// OCPP 1.6 ChargePointStatus -> kw-mqtt/1 connector status.
std::string_view kw_status(std::string_view ocpp_status);

}  // namespace kw::ocpp::v16
