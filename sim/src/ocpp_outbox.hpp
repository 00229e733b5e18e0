#pragma once
// The CALLs a charge point has to send, one at a time (OCPP-J allows one CALL of ours outstanding).
// Two queues:
//  - transaction messages (StartTransaction, StopTransaction, MeterValues of a transaction; in OCPP
//    2.0.1 TransactionEvent, which names its transaction by the station's own id): the charger's
//    "flash". Kept across disconnects and reboots, sent in order, each until it is answered:
//    after a CALLERROR or no answer it waits TransactionMessageRetryInterval x attempts (at most
//    kMaxRetryWait) and goes again. Only errors that say the message itself is wrong (a schema
//    violation, NotImplemented, ...) count against TransactionMessageAttempts; InternalError and
//    GenericError (the central system could not store it yet), timeouts and lost connections never
//    drop a message. The central system's transactionId is not known until StartTransaction is
//    answered, so later messages of that transaction name it by its local number and get the id
//    when they are sent.
//  - everything else (BootNotification, Heartbeat, StatusNotification, Authorize, ...): sent while
//    connected, dropped when the connection goes or when it fails.
// Messages go in the order they were queued, whichever queue; a transaction message waiting for its
// retry (or held by hold-tx) lets the other queue go first. Before the boot is accepted only a
// BootNotification goes. Pure: time comes in as arguments; owned by one charger, its thread only.
#include <boost/json/object.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kw::sim::ocpp {

struct OutgoingCall {
    std::string action;
    boost::json::object payload;
    bool transactional = false;
    // The local transaction: the one a StartTransaction starts, or the one whose transactionId a
    // StopTransaction / MeterValues carries (set in the payload when sent). 0: none.
    int local_tx = 0;
    bool duplicate = false;  // a copy sent again by duplicate-tx: its answer changes nothing
};

class Outbox {
  public:
    using Time = std::chrono::steady_clock::time_point;
    static constexpr std::chrono::seconds kMaxRetryWait{60};
    static constexpr std::size_t kMaxQueuedMeterValues = 1000;  // per charger; the oldest go first
    static constexpr std::size_t kHistory = 256;  // Start/StopTransaction, TransactionEvent Started/Ended

    struct Sending {
        std::string action;
        boost::json::object payload;  // with the transactionId filled in
        bool transactional = false;
        int local_tx = 0;
        bool duplicate = false;
        int attempt = 1;  // 1 the first time
    };
    enum class Failure { kRetry, kDropped };

    void push(OutgoingCall call);
    // The next CALL to send now, marked in flight; nullopt when one is in flight or none may go.
    std::optional<Sending> next(Time now, bool booted, bool hold_tx);
    bool in_flight() const { return in_flight_ != Queue::kNone; }
    // The CALL in flight was answered: forgotten.
    void answered();
    // The CALL in flight got a CALLERROR (`retryable`: InternalError, GenericError) or no answer in
    // time (retryable). A transaction message waits and goes again; it is dropped only when a
    // non-retryable error comes for the `max_attempts`-th time. Other messages are dropped.
    Failure failed(Time now, bool retryable, int max_attempts, std::chrono::seconds retry_interval);
    // The connection is gone: the transaction message in flight goes again first, at once after
    // the next boot; other messages are dropped.
    void connection_lost();

    // StartTransaction of `local_tx` answered (or dropped: id <= 0). MeterValues of a transaction
    // without a valid id are dropped; StopTransaction goes with the id as it is.
    void resolve(int local_tx, std::int64_t transaction_id);

    // A message of `action` is waiting in the other queue (a second Heartbeat need not queue up).
    bool waiting(std::string_view action) const;
    std::size_t transaction_messages() const { return tx_.size(); }
    // 2.0.1: a TransactionEvent of the transaction `transaction_id` is queued (in flight counts).
    bool holds_transaction(std::string_view transaction_id) const;
    std::size_t other_messages() const { return other_.size(); }
    // When the first transaction message may go again (for a wake-up timer); nullopt if none waits.
    std::optional<Time> retry_at() const;
    // The last kHistory Start/StopTransaction (2.0.1: TransactionEvent Started/Ended) messages, oldest
    // first (duplicate-tx sends them again).
    const std::deque<OutgoingCall>& history() const { return history_; }

  private:
    struct Entry {
        OutgoingCall call;
        std::uint64_t serial = 0;
        int attempts = 0;  // sends so far
        int refusals = 0;  // non-retryable errors so far
        Time not_before{};
    };
    enum class Queue { kNone, kTx, kOther };

    bool ready(Entry& e, Time now);  // false while it waits for its retry or its transaction's id
    Sending send(Entry& e, Queue q);
    void trim_meter_values();

    std::deque<Entry> tx_;
    std::deque<Entry> other_;
    std::deque<OutgoingCall> history_;
    std::map<int, std::int64_t> ids_;  // local transaction -> central transactionId
    std::uint64_t serial_ = 0;
    Queue in_flight_ = Queue::kNone;
};

}  // namespace kw::sim::ocpp
