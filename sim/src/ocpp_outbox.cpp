#include "ocpp_outbox.hpp"

#include <algorithm>

namespace kw::sim::ocpp {

namespace {

// A 1.6 message that names its transaction by the central system's transactionId, known only once
// the StartTransaction is answered. A 2.0.1 TransactionEvent carries the station's own id.
bool names_transaction(const OutgoingCall& c) {
    return c.local_tx > 0 && (c.action == "StopTransaction" || c.action == "MeterValues");
}

// Kept for duplicate-tx: a transaction's start and end (1.6 Start/StopTransaction, 2.0.1 Started/Ended).
bool kept_in_history(const Outbox::Sending& s) {
    if (s.action == "StartTransaction" || s.action == "StopTransaction") return true;
    if (s.action != "TransactionEvent") return false;
    const auto* type = s.payload.if_contains("eventType");
    return type && type->is_string() && type->as_string() != "Updated";
}

}  // namespace

void Outbox::push(OutgoingCall call) {
    Entry e{std::move(call), ++serial_};
    if (e.call.transactional) {
        const bool meter = e.call.action == "MeterValues";
        tx_.push_back(std::move(e));
        if (meter) trim_meter_values();
    } else {
        other_.push_back(std::move(e));
    }
}

void Outbox::trim_meter_values() {
    const auto count =
        std::count_if(tx_.begin(), tx_.end(), [](const Entry& e) { return e.call.action == "MeterValues"; });
    if (static_cast<std::size_t>(count) <= kMaxQueuedMeterValues) return;
    // The oldest sample not in flight goes: the register of later ones covers its energy.
    for (auto it = tx_.begin(); it != tx_.end(); ++it) {
        if (it->call.action != "MeterValues") continue;
        if (it == tx_.begin() && in_flight_ == Queue::kTx) continue;
        tx_.erase(it);
        return;
    }
}

bool Outbox::ready(Entry& e, Time now) {
    if (now < e.not_before) return false;
    if (!names_transaction(e.call)) return true;
    // In order, the StartTransaction came first: its answer (or its drop) is known by now.
    return ids_.contains(e.call.local_tx);
}

std::optional<Outbox::Sending> Outbox::next(Time now, bool booted, bool hold_tx) {
    if (in_flight()) return std::nullopt;
    if (!booted) {
        // Before the boot is accepted a charge point sends nothing but BootNotification (4.2).
        auto it = std::find_if(other_.begin(), other_.end(),
                               [](const Entry& e) { return e.call.action == "BootNotification"; });
        if (it == other_.end()) return std::nullopt;
        if (it != other_.begin()) std::rotate(other_.begin(), it, it + 1);
        return send(other_.front(), Queue::kOther);
    }
    // MeterValues of a transaction the central system refused (no valid id) cannot be sent.
    while (!hold_tx && !tx_.empty() && tx_.front().call.action == "MeterValues" &&
           names_transaction(tx_.front().call)) {
        auto id = ids_.find(tx_.front().call.local_tx);
        if (id == ids_.end() || id->second > 0) break;
        tx_.pop_front();
    }
    Entry* tx = !hold_tx && !tx_.empty() && ready(tx_.front(), now) ? &tx_.front() : nullptr;
    Entry* other = other_.empty() ? nullptr : &other_.front();
    if (tx && (!other || tx->serial < other->serial)) return send(*tx, Queue::kTx);
    if (other) return send(*other, Queue::kOther);
    return std::nullopt;
}

Outbox::Sending Outbox::send(Entry& e, Queue q) {
    in_flight_ = q;
    ++e.attempts;
    Sending s{e.call.action,   e.call.payload,   e.call.transactional,
              e.call.local_tx, e.call.duplicate, e.attempts};
    if (names_transaction(e.call)) s.payload["transactionId"] = ids_.at(e.call.local_tx);
    if (e.attempts == 1 && !e.call.duplicate && kept_in_history(s)) {
        history_.push_back(OutgoingCall{s.action, s.payload, true, 0, true});
        if (history_.size() > kHistory) history_.pop_front();
    }
    return s;
}

void Outbox::answered() {
    if (in_flight_ == Queue::kTx) {
        const OutgoingCall& c = tx_.front().call;
        // A StopTransaction is a transaction's last message: its id is needed no more.
        if (c.action == "StopTransaction" && c.local_tx > 0 && !c.duplicate) ids_.erase(c.local_tx);
        tx_.pop_front();
    } else if (in_flight_ == Queue::kOther) {
        other_.pop_front();
    }
    in_flight_ = Queue::kNone;
}

Outbox::Failure Outbox::failed(Time now, bool retryable, int max_attempts,
                               std::chrono::seconds retry_interval) {
    const Queue q = std::exchange(in_flight_, Queue::kNone);
    if (q == Queue::kOther) {
        other_.pop_front();
        return Failure::kDropped;
    }
    if (q != Queue::kTx) return Failure::kDropped;
    Entry& e = tx_.front();
    if (!retryable && ++e.refusals >= max_attempts) {
        const OutgoingCall c = std::move(e.call);
        tx_.pop_front();
        if (c.action == "StartTransaction" && c.local_tx > 0 && !c.duplicate) ids_[c.local_tx] = -1;
        if (c.action == "StopTransaction" && c.local_tx > 0 && !c.duplicate) ids_.erase(c.local_tx);
        return Failure::kDropped;
    }
    const auto wait = std::min<std::chrono::seconds>(retry_interval * e.attempts, kMaxRetryWait);
    e.not_before = now + wait;
    return Failure::kRetry;
}

void Outbox::connection_lost() {
    if (in_flight_ == Queue::kTx) tx_.front().not_before = Time{};
    in_flight_ = Queue::kNone;
    other_.clear();
}

bool Outbox::waiting(std::string_view action) const {
    const auto first = in_flight_ == Queue::kOther ? std::next(other_.begin()) : other_.begin();
    return std::any_of(first, other_.end(), [&](const Entry& e) { return e.call.action == action; });
}

bool Outbox::holds_transaction(std::string_view transaction_id) const {
    return std::any_of(tx_.begin(), tx_.end(), [&](const Entry& e) {
        const auto* info = e.call.payload.if_contains("transactionInfo");
        const auto* id = info && info->is_object() ? info->as_object().if_contains("transactionId") : nullptr;
        return id && id->is_string() && id->as_string() == transaction_id;
    });
}

void Outbox::resolve(int local_tx, std::int64_t transaction_id) { ids_[local_tx] = transaction_id; }

std::optional<Outbox::Time> Outbox::retry_at() const {
    if (tx_.empty() || in_flight_ == Queue::kTx) return std::nullopt;
    if (tx_.front().not_before == Time{}) return std::nullopt;
    return tx_.front().not_before;
}

}  // namespace kw::sim::ocpp
