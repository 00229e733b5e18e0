// The transaction-event use case (service/charger_events.hpp). Each (charger, tx_id, seq) is applied
// exactly once: the tx_events row is written in the same SQL transaction as the effect, and the
// acknowledgement is sent only after commit, so a redelivery or a replay after reconnect finds the
// row and is only acknowledged again. What follows the commit (the running estimate and the
// connector's order in Redis, commands, the push) runs after the SQL session is given back: on
// SQLite that session is the only writer, and every Redis round trip made while holding it kept
// every other charger's transaction waiting (docs/performance.md, "OCPP 1.6J load"). Nothing of the
// same charger runs in between: the inbox handles one charger's messages in order, one at a time
// (device/mqtt/inbox.hpp), so its next meter sample finds the running estimate begun.
#include <algorithm>
#include <functional>

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "device/commands.hpp"
#include "domain/charger_clock.hpp"
#include "domain/error.hpp"
#include "live/redis.hpp"
#include "live/state.hpp"
#include "service/cards.hpp"
#include "service/charger_events.hpp"
#include "service/live_record.hpp"
#include "service/orders.hpp"
#include "service/running.hpp"
#include "service/stale_tx.hpp"
#include "service/wallet.hpp"
#include "store/chargers_repo.hpp"
#include "store/db.hpp"
#include "store/transactions_repo.hpp"

namespace kw::service {

namespace {

using domain::OrderEvent;
using domain::OrderState;
using domain::StopReason;
using Kind = device::TransactionEvent::Kind;

void ack(app::Context& ctx, const device::TransactionEvent& e) {
    ctx.commands.send(e.code, device::TransactionEventAck{e.tx_id, e.seq});
}

// A transaction no order of ours should have: ask the charger to stop it.
void stop_stray(app::Context& ctx, const device::TransactionEvent& e, std::int64_t order_id) {
    ctx.commands.send(e.code, device::StopCommand{order_id, e.connector, e.tx_id,
                                                  std::string(domain::to_string(StopReason::other))});
}

// The stop reason of an ended event: a stop the server asked for keeps its own reason.
StopReason ended_reason(const store::Order& o, device::ChargerStopReason charger_reason) {
    using R = device::ChargerStopReason;
    if (o.state == domain::to_string(OrderState::stopping) && o.stop_reason)
        return domain::stop_reason_from_string(*o.stop_reason);
    switch (charger_reason) {
        case R::local: return StopReason::charger_local;
        case R::ev_full: return StopReason::ev_full;
        case R::fault: return StopReason::fault;
        case R::power_loss: return StopReason::power_loss;
        case R::reboot: return StopReason::charger_rebooted;
        case R::remote: return o.stop_reason ? domain::stop_reason_from_string(*o.stop_reason) : StopReason::driver;
        case R::other: return StopReason::other;
    }
    return StopReason::other;
}

// What is left to do once the SQL session is released (see the top of the file).
using AfterCommit = std::function<void()>;

// started: the order moves to charging with its start reading; the running estimate begins.
AfterCommit apply_started(app::Context& ctx, soci::session& sql, soci::transaction& tr,
                          const device::TransactionEvent& e, const store::ChargerKey& charger,
                          const store::Order& order, UtcMs now) {
    // No session began before its order existed: an earlier time could only move energy into
    // other (dearer) tariff periods.
    const UtcMs started_at = std::max(e.at, order.created_at);
    if (!store::apply_event(sql, order.id, OrderState::starting, OrderEvent::tx_started, std::nullopt, std::nullopt,
                            now)) {
        // A start after the order was cancelled (start timeout) or a second start: stop it. A closed
        // order keeps the transaction's id, so that its meter samples are recognised as stale if
        // this stop is lost (service/stale_tx.hpp).
        spdlog::warn("event=tx_started_late code={} order={} state={}", e.code, order.id, order.state);
        const bool closed = !domain::is_active(domain::order_state_from_string(order.state));
        if (closed) store::record_late_tx(sql, order.id, e.tx_id);
        tr.commit();
        if (!closed) return [] {};
        return [&ctx, e, id = order.id] {
            stop_stray(ctx, e, id);
            note_stop_sent(ctx, e.code, e.tx_id);
        };
    }
    store::mark_started(sql, order.id, e.tx_id, e.meter_wh, started_at, now);
    store::insert_sample(sql, order.id, started_at, e.meter_wh);
    const std::int64_t balance = order.driver_id ? service::balance(sql, order.driver_id) : 0;
    const std::int64_t max_w = store::connector_max_w(sql, charger.id, e.connector);
    tr.commit();
    spdlog::info("event=tx_started code={} order={} tx_id={} meter_wh={}", e.code, order.id, e.tx_id, e.meter_wh);
    return [&ctx, e, order, started_at, balance, max_w] {
        const live::LiveState live(ctx.redis, ctx.config.redis.prefix);
        running_begin(ctx, order, e.meter_wh, started_at, balance, max_w,
                      {live.connector_order_command(e.code, e.connector, order.id, e.tx_id)});
    };
}

// ended: the order is settled from the charger's readings (bounded by what is known of the session).
AfterCommit apply_ended(app::Context& ctx, soci::session& sql, soci::transaction& tr, const device::TransactionEvent& e,
                        const store::Order& order) {
    SettleInput in;
    in.event = OrderEvent::tx_ended;
    in.end_at = e.at;
    in.end_wh = e.meter_wh;
    in.reason = ended_reason(order, e.reason);
    in.tx_id = e.tx_id;
    in.reported_by_charger = true;
    in.end_received_at = e.received_at ? e.received_at : ctx.clock.now();
    in.start_wh = e.meter_start_wh;
    in.started_at = e.started_at;
    const bool settled = settle(ctx, sql, order, in);
    tr.commit();
    if (!settled) {
        spdlog::info("event=tx_ended_for_closed_order code={} order={} state={}", e.code, order.id, order.state);
        return [] {};
    }
    return [&ctx, e, order] {
        const live::LiveState live(ctx.redis, ctx.config.redis.prefix);
        running_end(ctx, order, {live.connector_order_command(e.code, e.connector, 0, "")});
    };
}

// The order as it is now, to the apps (after the writer is released: a read connection sees the commit);
// read only when someone can receive it.
void push_current(app::Context& ctx, std::int64_t order_id) {
    if (!order_watched(ctx, order_id)) return;
    std::optional<store::Order> order;
    {
        auto sql = ctx.db.read_session();
        order = store::find_order(*sql, order_id);
    }
    if (order) push_order(ctx, *order);
}

// updated: a reading inside the transaction, recorded once and then applied as a meter sample.
void apply_update(app::Context& ctx, const device::TransactionEvent& e, const store::ChargerKey& charger, UtcMs now) {
    bool first = false;
    {
        // Released before the meter sample takes its own (SQLite's pool has one session).
        auto sql = ctx.db.session();
        soci::transaction tr(*sql);
        first = store::record_tx_event(*sql, charger.id, e.tx_id, e.seq, std::string(device::to_string(e.kind)), now);
        tr.commit();
    }
    if (!first) spdlog::info("event=tx_duplicate code={} tx_id={} seq={}", e.code, e.tx_id, e.seq);
    ack(ctx, e);
    if (first)
        apply_meter_sample(ctx, device::MeterSample{e.code, e.connector, e.meter_wh, 0, 0, 0, std::nullopt, e.at,
                                                    e.tx_id, /*live=*/false});
}

// started at the charger with a card (no order_id, an id_tag): an order on the card holder's wallet
// with the same guard as an app start, then the event applied to it. The tx_ack tells the charger the
// order (its OCPP transactionId) and the card's status; the order's transaction is named by its id
// from then on (the charger's meter samples and its ended event use the transactionId).
// The event's record, the order and its start are one SQL transaction: SQLite's one writer is taken
// once per card start (it was three times), and a failure between them leaves nothing half done (the
// event recorded without its order answered every replay "invalid"). A refused card records nothing:
// the event sent again is checked again.
void apply_card_start(app::Context& ctx, device::TransactionEvent e, const store::ChargerKey& charger, UtcMs now) {
    const std::string tx_id = e.tx_id;
    auto answer = [&](std::int64_t order_id, CardStatus status) {
        ctx.commands.send(e.code, device::TransactionEventAck{tx_id, e.seq, order_id, std::string(to_string(status))});
    };
    // The same start again (its answer was lost): the order it made, while it runs there.
    auto same_start_again = [&](soci::session& sql) {
        spdlog::info("event=tx_duplicate code={} tx_id={} seq={}", e.code, tx_id, e.seq);
        for (const auto& o : store::active_orders_of_charger(sql, charger.id))
            if (o.connector_no == e.connector && o.meter_start_wh == e.meter_wh)
                return answer(o.id, CardStatus::accepted);
        answer(0, CardStatus::invalid);
    };
    {
        auto sql = ctx.db.read_session();
        if (store::tx_event_recorded(*sql, charger.id, tx_id, e.seq)) return same_start_again(*sql);
    }
    const CardCheck card = check_card(ctx, e.id_tag, true);
    if (card.status != CardStatus::accepted) {
        spdlog::info("event=card_start_refused code={} connector={} status={}", e.code, e.connector,
                     to_string(card.status));
        return answer(0, card.status);
    }
    StartRequest req;
    req.driver_id = card.driver_id;
    req.charger_code = e.code;
    req.connector = e.connector;
    req.at_charger = true;
    req.at_charger_since = e.at;
    store::Order order;
    AfterCommit after;
    try {
        const PreparedStart prepared = prepare_start(ctx, req);
        auto sql = ctx.db.session();
        soci::transaction tr(*sql);
        if (!store::record_tx_event(*sql, charger.id, tx_id, e.seq, "started", now)) {
            tr.rollback();  // applied meanwhile (by another instance)
            return same_start_again(*sql);
        }
        order = create_order(ctx, *sql, req, prepared, now);
        e.order_id = order.id;
        if (!e.keep_tx_id) e.tx_id = std::to_string(order.id);
        after = apply_started(ctx, *sql, tr, e, charger, order, now);  // commits
    } catch (const Error& err) {
        const CardStatus status = err.errc() == Errc::session_active ? CardStatus::concurrent_tx
                                  : err.errc() == Errc::insufficient_balance || err.errc() == Errc::account_disabled
                                      ? CardStatus::blocked
                                      : CardStatus::invalid;
        spdlog::info("event=card_start_refused code={} connector={} status={} error=\"{}\"", e.code, e.connector,
                     to_string(status), err.what());
        return answer(0, status);
    }
    spdlog::info("event=order_created order={} driver={} charger={} connector={}", order.id, order.driver_id,
                 order.charger_code, order.connector_no);
    after();
    push_current(ctx, order.id);
    spdlog::info("event=card_start code={} connector={} order={} driver={}", e.code, e.connector, order.id,
                 card.driver_id);
    answer(order.id, CardStatus::accepted);
}

}  // namespace

void apply_transaction_event(app::Context& ctx, const device::TransactionEvent& reported) {
    const int lowest_connector = reported.kind == Kind::ended ? 0 : 1;  // 0: the order's own
    if (reported.seq < 1 || reported.meter_wh < 0 || reported.connector < lowest_connector)
        throw Error(Errc::bad_request, "seq, connector or meter_wh out of range");
    if (reported.meter_start_wh && *reported.meter_start_wh < 0)
        throw Error(Errc::bad_request, "meter_start_wh out of range");
    const store::ChargerKey charger = known_charger(ctx, reported.code);
    // The live record is rebuilt first if Redis lost it; but Redis being down must not keep the
    // event from SQL, which is what bills (a started event refused here left its order starting,
    // and a stop before the replay cancelled it at no charge).
    // The record also carries the charger's clock offset: unknown while Redis is down (or after it
    // lost the record), and the event still goes to SQL.
    std::optional<UtcMs> offset;
    try {
        offset = live_record(ctx, reported.code).clock_offset_ms;
    } catch (const std::exception& ex) {
        spdlog::warn("event=live_record_failed code={} error=\"{}\"", reported.code, ex.what());
    }
    const UtcMs now = ctx.clock.now();
    // Its times on the server's clock. Not the receive time: a replayed event may arrive long after
    // it happened. started_at is bounded by the order's creation when it is used (domain/meter.hpp).
    device::TransactionEvent e = reported;
    const UtcMs received = reported.received_at ? reported.received_at : now;
    e.at = reported.queued ? domain::queued_on_server_clock(reported.at, offset, received, now)
                           : domain::on_server_clock(reported.at, offset, received, now);
    if (reported.started_at) e.started_at = *reported.started_at - offset.value_or(0);

    if (e.kind == Kind::updated) {
        apply_update(ctx, e, charger, now);
        return;
    }
    if (e.kind == Kind::started && e.order_id == 0 && !e.id_tag.empty()) {
        apply_card_start(ctx, e, charger, now);
        return;
    }
    if (e.kind == Kind::ended && e.order_id == 0) {
        // An ended event that names only its transaction (an OCPP 2.0.1 edge that restarted lost which
        // order it is): the order that has that transaction.
        auto sql = ctx.db.read_session();
        if (auto tx = store::find_tx_order(*sql, e.code, e.tx_id)) e.order_id = tx->order_id;
    }
    AfterCommit after = [] {};
    bool push = false;
    {
        auto sql = ctx.db.session();
        soci::transaction tr(*sql);
        if (!store::record_tx_event(*sql, charger.id, e.tx_id, e.seq, std::string(device::to_string(e.kind)), now)) {
            tr.rollback();
            spdlog::info("event=tx_duplicate code={} tx_id={} seq={}", e.code, e.tx_id, e.seq);
        } else {
            auto order = store::find_order(*sql, e.order_id);
            if (order && e.connector == 0 && order->charger_id == charger.id) e.connector = order->connector_no;
            const bool ours = order && order->charger_id == charger.id && order->connector_no == e.connector;
            if (!ours) {
                tr.commit();
                spdlog::warn("event=tx_unknown_order code={} tx_id={} order={}", e.code, e.tx_id, e.order_id);
                if (e.kind == Kind::started) after = [&ctx, e] { stop_stray(ctx, e, e.order_id); };
            } else if (e.kind == Kind::started) {
                after = apply_started(ctx, *sql, tr, e, charger, *order, now);
                push = order->state == domain::to_string(OrderState::starting);
            } else {
                after = apply_ended(ctx, *sql, tr, e, *order);
                push = true;
            }
        }
    }
    after();
    ack(ctx, e);
    if (push) push_current(ctx, e.order_id);
}

}  // namespace kw::service
