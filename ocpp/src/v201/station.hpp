#pragma once
// One OCPP 2.0.1 charging station as the core sees it: the same kw-mqtt/1 messages as a 1.6 charge
// point (docs/ocpp.md, "OCPP 2.0.1" has the mapping), so the core needs nothing of 2.0.1. An EVSE is
// a Kilowatt connector (evseId n = connector n; the connectors of one EVSE cannot charge at once).
// A transaction is the station's (its transactionId), bound to an order when it is authorised: by
// the app's RequestStartTransaction (remoteStartId = the order, idToken "KW-O<order>") or by an RFID
// card (the core makes the order, as for a 1.6 card start). Its events are applied in seqNo order,
// each once; a gap is reported. Sans I/O, like v16::Station; not thread-safe: one strand.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "charge_point.hpp"
#include "rpc.hpp"

namespace kw::ocpp::v201 {

// The transactions of each station code, kept across its connections (station.cpp says why).
struct StationStore;
std::shared_ptr<StationStore> new_station_store();

struct Settings {
    int boot_answer_ms = 10000;        // BootNotification: answered Pending when the core is slower
    int boot_retrigger_ms = 15000;     // after a Pending answer: TriggerMessage(BootNotification)
    int ended_answer_ms = 15000;       // TransactionEvent Ended: a CALLERROR (sent again) after this
    int ended_replay_ms = 5000;        // its kw-mqtt/1 ended event published again this often meanwhile
    int call_timeout_ms = 30000;       // our CALL to the station: given up after this
    int pending_interval_s = 30;       // the interval of a Pending boot answer
    int authorize_answer_ms = 5000;    // Authorize: after this, Accepted only for a tag accepted before
    int card_start_answer_ms = 15000;  // a transaction's first authorised event: unanswered after this
    int report_timeout_ms = 60000;     // GetBaseReport: the NotifyReport parts awaited this long
    // One per edge: every copy of these settings (one per connection) shares it.
    std::shared_ptr<StationStore> store = new_station_store();
};

// One sampled MeterValue of 2.0.1 as a kw-mqtt/1 reading (meter_values.cpp says which values count).
using ocpp::Reading;
std::optional<Reading> reading_of(const boost::json::object& meter_value);

// 2.0.1 stoppedReason -> kw-mqtt/1 ended reason; ConnectorStatus -> kw-mqtt/1 status.
std::string_view kw_stop_reason(std::string_view stopped_reason);
std::string_view kw_status(std::string_view connector_status);

// A device-model variable as the console names it: "Component[instance]@evse.connector/Variable[instance]"
// (only the name parts are required: "OCPPCommCtrlr/HeartbeatInterval"), and back.
std::string variable_key(const boost::json::object& component, const boost::json::object& variable);
// nullopt: not such a key. The pair is {component, variable} as 2.0.1 writes them.
std::optional<std::pair<boost::json::object, boost::json::object>> parse_variable_key(std::string_view key);

class Station : public ChargePoint {
  public:
    Station(std::string code, Io& io, Settings settings = {});

    void on_frame(std::string_view text) override;
    void on_command(std::string_view payload) override;
    void on_tick() override;
    void on_connected() override;
    void on_broker_connected() override;

    std::size_t unacked_tx_events() const { return tx_store_.size(); }

  private:
    struct Outgoing {     // a CALL to the station, sent one at a time
        std::string action;
        boost::json::object payload;
        std::string corr;  // the core command it carries out, if any
        std::string cmd;
    };
    struct Waiting {      // a CALL of the station waiting for the core
        std::string message_id;
        UtcMs deadline = 0;
        UtcMs replay_at = 0;
    };
    struct StoredTx {     // a tx event published and not yet acknowledged by the core
        std::string tx_id;
        int seq = 0;
        std::string payload;
    };
    // One transaction of the station's, by its transactionId.
    struct Tx {
        int connector = 0;
        std::int64_t order = 0;              // 0: not bound to an order yet
        // The kw-mqtt/1 tx_id once bound: "T-<transactionId>", the name the core keeps for the order's
        // transaction, so that an edge that lost this binding (it restarted) still names it.
        std::string kw_tx_id;
        std::string id_token;                // of a card start waiting for the core
        std::int64_t meter_start_wh = -1;    // the reading when it was bound
        std::string started_at;
        std::optional<std::int64_t> last_wh;  // its latest energy reading
        std::set<std::int64_t> seen;         // seqNos received
        std::int64_t last_seq = -1;
        bool ended = false;
        bool refused = false;                // a card the core refused: never billed
        bool end_token = false;              // its Ended carried an idToken: answered with idTokenInfo
        std::optional<Waiting> answer;       // the event waiting for the core (a card start, an Ended)
    };
    struct Report {       // a GetBaseReport: its NotifyReport parts
        std::string corr;
        UtcMs deadline = 0;
        boost::json::array configuration;
    };

    friend struct StationStore;
    // What binds the station's transactions to orders, kept per station code across its
    // connections (settings_.store). A new connection may overlap the old one for a moment (until
    // the broker's takeover closes it), on another I/O thread with --threads: every entry point of a
    // Station holds the mutex.
    struct Kept {
        std::mutex mutex;
        std::map<std::string, Tx> transactions;          // by the station's transactionId
        std::map<std::string, std::string> card_starts;  // kw tx_id of a card start -> transactionId
        std::deque<StoredTx> tx_store;
    };

    void dispatch(const Call& call);
    bool boot_accepted_call(const Call& call);  // false: refused, the station is not Accepted
    void boot_notification(const Call& call);
    void heartbeat(const Call& call);
    void status_notification(const Call& call);
    void meter_values(const Call& call);
    void transaction_event(const Call& call);
    void authorize(const Call& call);
    void notify_event(const Call& call);
    void notify_report(const Call& call);

    void boot_result(const boost::json::object& cmd);
    void remote_start(const boost::json::object& cmd);
    void remote_stop(const boost::json::object& cmd);
    void tx_ack(const boost::json::object& cmd);
    void authorize_result(const boost::json::object& cmd);
    void operator_command(std::string_view name, const boost::json::object& cmd);
    void ack(std::string_view corr, std::string_view cmd, bool accepted, std::string_view reason,
             const boost::json::object& result = {});

    // TransactionEvent parts (transactions.cpp)
    void bind(Tx& tx, const std::string& tx_id, const boost::json::object& event, const std::string& ts, bool offline);
    void end(Tx& tx, const std::string& tx_id, const boost::json::object& event, const std::string& ts,
             bool offline, const std::string& message_id);
    void answer_event(const std::string& message_id, const Tx& tx, bool with_token, std::string_view status = "");
    void publish_tx(const std::string& tx_id, int seq, boost::json::object event);
    void replay_tx();
    void ask_transaction_status();  // GetTransactionStatus for each bound transaction not ended
    void tx_deadlines(UtcMs now);
    Tx* tx_of_order(std::int64_t order);

    void on_call_result(const CallResult& result);
    void on_call_error(const CallError& error);
    void finish_outgoing(std::optional<boost::json::object> result, std::string_view error = "");
    void send(std::string frame);
    void answer(std::string_view message_id, const boost::json::value& payload);
    void answer_error(std::string_view message_id, ErrorKind kind, std::string_view description);
    void queue_call(Outgoing call);
    void send_next_call();
    void publish_meter(std::int64_t connector, const boost::json::object& meter_value, const std::string& kw_tx_id,
                       bool queued);
    void publish_status(int connector, std::string_view status, std::string_view ts);
    std::string time_of(const boost::json::value* timestamp, std::string_view what);
    // The station's clock (boot.cpp): measured from the time of a CALL sent when it happened (not
    // offline, not right after our previous answer: a CALL sent again may have waited), published
    // as the ts of the kw-mqtt/1 heartbeats, from which the core corrects a wrong clock.
    bool may_have_waited(bool offline) const;
    void measure_clock(const std::string& ts);
    void publish_heartbeat();

    std::string code_;
    Io& io_;
    Settings settings_;
    enum class Registration { none, pending, accepted, rejected } registration_ = Registration::none;
    std::optional<Waiting> boot_waiting_;
    UtcMs boot_trigger_at_ = 0;                          // 0: none
    std::map<std::string, Waiting> authorizes_waiting_;   // by corr
    std::map<std::string, std::string> authorize_tags_;   // corr -> id token
    std::map<std::string, UtcMs> accepted_tags_;          // id token -> when the core last accepted it
    std::shared_ptr<Kept> kept_;
    std::map<std::string, Tx>& transactions_;             // kept_'s
    std::map<std::string, std::string>& card_starts_;
    std::deque<StoredTx>& tx_store_;
    std::set<std::int64_t> remote_starts_;               // orders with a RequestStartTransaction queued or sent
    std::deque<std::int64_t> ended_orders_;              // the last 64 ended, for repeated commands
    std::map<std::int64_t, Report> reports_;             // GetBaseReport by requestId
    std::map<std::string, boost::json::array> unparsed_keys_;  // get_configuration keys of no variable
    std::deque<Outgoing> outgoing_;
    std::optional<std::string> in_flight_id_;
    UtcMs in_flight_deadline_ = 0;
    std::uint64_t next_id_ = 1;
    FrameLog log_;
    std::string boot_id_;
    std::map<int, std::string> connector_status_;        // kw status last published, by connector
    std::optional<UtcMs> clock_offset_;                  // the station's clock minus ours
    UtcMs last_answer_at_ = 0;                           // our last answer to a CALL (0: none yet)
};

}  // namespace kw::ocpp::v201
