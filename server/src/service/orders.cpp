#include "service/orders.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "device/commands.hpp"
#include "domain/error.hpp"
#include "domain/json_text.hpp"
#include "domain/meter.hpp"
#include "domain/tariff.hpp"
#include "live/redis.hpp"
#include "live/state.hpp"
#include "service/audit.hpp"
#include "service/live_record.hpp"
#include "service/running.hpp"
#include "service/tariff_cache.hpp"
#include "service/wallet.hpp"
#include "store/charger_refs.hpp"
#include "store/chargers_repo.hpp"
#include "store/db.hpp"
#include "store/wallet_repo.hpp"
#include "ws/push.hpp"

namespace kw::service {

using domain::OrderEvent;
using domain::OrderState;
using domain::StopReason;

namespace {

void send_start(app::Context& ctx, const store::Order& o) {
    ctx.commands.send(o.charger_code, device::StartCommand{o.id, o.connector_no, ctx.clock.now()});
}

void send_stop(app::Context& ctx, const store::Order& o, StopReason reason) {
    ctx.commands.send(o.charger_code,
                      device::StopCommand{o.id, o.connector_no, o.tx_id, std::string(domain::to_string(reason))});
}

// Which state-machine event a reason for ending a session not yet charging is.
OrderEvent cancel_event(StopReason reason) {
    switch (reason) {
        case StopReason::start_timeout: return OrderEvent::start_timeout;
        case StopReason::start_rejected: return OrderEvent::start_rejected;
        case StopReason::charger_rebooted:
        case StopReason::charger_offline: return OrderEvent::charger_lost;
        default: return OrderEvent::stop_requested;
    }
}

store::Order load(soci::session& sql, std::int64_t id) {
    auto o = store::find_order(sql, id);
    if (!o) throw Error(Errc::not_found, "no such order");
    return *o;
}

// A connector's live status refuses a start: faulted/unavailable ones cannot charge, busy ones are
// in a session (perhaps one started at the charger itself).
void check_connector_status(const std::string& status) {
    if (status == "faulted" || status == "unavailable")
        throw Error(Errc::connector_unavailable, "the connector is " + status);
    if (status == "charging" || status == "suspended" || status == "finishing")
        throw Error(Errc::connector_busy, "the connector is " + status);
}

}  // namespace

store::Order start_order(app::Context& ctx, const StartRequest& req) {
    domain::validate_limits(req.limits);
    const UtcMs now = ctx.clock.now();
    live::LiveState live(ctx.redis, ctx.config.redis.prefix);
    // The checks that need no writer first, on a read connection and in Redis.
    const PreparedStart prepared = prepare_start(ctx, req);
    // Right after Redis came back empty a charger not heard from yet is not known to be offline:
    // the start is tried (a charger that is really gone never acknowledges it, and the start
    // timeout cancels the order at no charge). A start at the charger comes from the charger itself.
    if (!req.at_charger) {
        if (!live.charger(prepared.charger.code).online && presence_known(ctx, now))
            throw Error(Errc::charger_offline, "the charger is offline");
        check_connector_status(live.connector(prepared.charger.code, req.connector).status);
    }
    store::Order order;
    {
        auto sql = ctx.db.session();
        soci::transaction tr(*sql);
        order = create_order(ctx, *sql, req, prepared, now);
        tr.commit();
    }
    spdlog::info("event=order_created order={} driver={} charger={} connector={}", order.id, order.driver_id,
                 order.charger_code, order.connector_no);
    // A start at the charger is applied at once by the caller, which links the connector to the
    // order with its transaction and pushes it charging: two Redis round trips fewer per card start.
    if (req.at_charger) return order;
    live.set_connector_order(order.charger_code, order.connector_no, order.id, "");
    send_start(ctx, order);
    push_order(ctx, order);
    return order;
}

store::Order request_stop(app::Context& ctx, std::int64_t order_id, StopReason reason) {
    // Never hold a pooled session while calling something that takes one: SQLite's pool has one.
    auto load_now = [&] {
        auto sql = ctx.db.session();
        return load(*sql, order_id);
    };
    store::Order o = load_now();
    const auto state = domain::order_state_from_string(o.state);
    if (state == OrderState::starting) {
        cancel_start(ctx, order_id, reason);
        send_stop(ctx, o, reason);  // the charger may have started already
        return load_now();
    }
    if (state == OrderState::charging) {
        const UtcMs now = ctx.clock.now();
        bool changed = false;
        {
            auto sql = ctx.db.session();
            soci::transaction tr(*sql);
            changed = store::apply_event(*sql, o.id, OrderState::charging, OrderEvent::stop_requested, reason,
                                         now + ctx.config.orders.stop_timeout_s * 1000, now)
                          .has_value();
            tr.commit();
        }
        if (!changed) return request_stop(ctx, order_id, reason);  // it moved on meanwhile: look again
        o = load_now();
        send_stop(ctx, o, reason);
        spdlog::info("event=order_stopping order={} reason={}", o.id, domain::to_string(reason));
        push_order(ctx, o);
        return o;
    }
    if (state == OrderState::stopping) {
        send_stop(ctx, o, reason);
        return o;
    }
    throw Error(Errc::invalid_state, "the order is already " + o.state);
}

void repeat_command(app::Context& ctx, std::int64_t order_id) {
    store::Order o;
    {
        auto sql = ctx.db.session();
        o = load(*sql, order_id);
    }
    const OrderState state = domain::order_state_from_string(o.state);
    if (state == OrderState::starting) {
        spdlog::info("event=order_start_repeated order={}", o.id);
        send_start(ctx, o);
    } else if (state == OrderState::stopping) {
        const StopReason reason = o.stop_reason ? domain::stop_reason_from_string(*o.stop_reason) : StopReason::driver;
        spdlog::info("event=order_stop_repeated order={} reason={}", o.id, domain::to_string(reason));
        send_stop(ctx, o, reason);
    }
}

bool repeat_due(app::Context& ctx, const std::string& key, std::int64_t every_s) {
    const auto guard = live::require_ok(
        ctx.redis.command({"SET", ctx.config.redis.prefix + key, "1", "NX", "EX", std::to_string(every_s)}));
    return !guard.is_nil();
}

void cancel_start(app::Context& ctx, std::int64_t order_id, StopReason reason) {
    const UtcMs now = ctx.clock.now();
    auto sql = ctx.db.session();
    store::Order o = load(*sql, order_id);
    soci::transaction tr(*sql);
    if (!store::apply_event(*sql, o.id, OrderState::starting, cancel_event(reason), reason, std::nullopt, now))
        return;
    store::mark_cancelled(*sql, o.id, now);
    store::release_claims(*sql, o);
    tr.commit();
    live::LiveState(ctx.redis, ctx.config.redis.prefix).set_connector_order(o.charger_code, o.connector_no, 0, "");
    spdlog::info("event=order_cancelled order={} reason={}", o.id, domain::to_string(reason));
    if (reason == StopReason::start_timeout) send_stop(ctx, o, reason);
    push_order(ctx, load(*sql, order_id));
}

bool settle(app::Context& ctx, soci::session& sql, const store::Order& o, const SettleInput& in) {
    const UtcMs now = ctx.clock.now();
    // Claim the order first: whoever moves it to settled is the one who bills it. An event the state
    // machine refuses in the order's state (or an order that moved on meanwhile) changes nothing.
    if (!store::apply_event(sql, o.id, domain::order_state_from_string(o.state), in.event, in.reason, std::nullopt,
                            now))
        return false;
    std::vector<domain::Sample> samples = store::samples(sql, o.id);
    std::optional<std::int64_t> start_wh = o.meter_start_wh ? o.meter_start_wh : in.start_wh;
    std::optional<UtcMs> started_at = o.started_at ? o.started_at : in.started_at;
    domain::Sample end{in.end_at, in.end_wh};
    if (in.reported_by_charger) {
        // A charger's ended event may carry anything: bound it by the order and the connector.
        domain::SessionFacts facts;
        facts.created_at = o.created_at;
        if (o.meter_start_wh && o.started_at) facts.recorded_start = domain::Sample{*o.started_at, *o.meter_start_wh};
        for (const domain::Sample& x : samples)
            if (!facts.last_accepted || x.at >= facts.last_accepted->at) facts.last_accepted = x;
        facts.max_w = store::connector_max_w(sql, o.charger_id, o.connector_no);
        facts.end_received_at = in.end_received_at;
        std::optional<domain::Sample> reported_start;
        if (start_wh && started_at) reported_start = domain::Sample{*started_at, *start_wh};
        const domain::SessionEnds ends = domain::session_ends(facts, reported_start, end);
        if (ends.start_raised || ends.end_lowered || (started_at && ends.start && ends.start->at != *started_at))
            spdlog::warn("event=tx_ended_clamped order={} start_wh={}->{} started_at={}->{} end_wh={}->{}", o.id,
                         start_wh.value_or(-1), ends.start ? ends.start->wh : -1,
                         started_at ? format_utc(*started_at) : "-", ends.start ? format_utc(ends.start->at) : "-",
                         in.end_wh, ends.end.wh);
        if (ends.start) {
            start_wh = ends.start->wh;
            started_at = ends.start->at;
        }
        end = ends.end;
    }
    // The bill keeps one sample per instant (domain::bill_session): an end at the instant of the start
    // would replace it and bill nothing, though the register moved (a session shorter than its
    // timestamps' resolution). Such a session is given the least duration, 1 ms.
    if (started_at && end.at <= *started_at) end.at = *started_at + 1;
    if (start_wh && started_at) samples.push_back({*started_at, *start_wh});
    if (started_at || !samples.empty()) samples.push_back(end);
    const std::shared_ptr<const domain::Tariff> tariff = ctx.tariffs.parsed(o.tariff_spec);
    domain::Bill bill = domain::bill_session(*tariff, o.timezone, samples);
    if (o.driver_id == 0) {  // maintenance: energy recorded, nothing billed
        for (auto& seg : bill.segments) seg.electricity_fen = seg.service_fen = 0;
        bill.electricity_fen = bill.service_fen = bill.total_fen = 0;
    }
    std::int64_t paid = 0;
    if (o.driver_id != 0 && bill.total_fen > 0) {
        std::int64_t balance = service::balance(sql, o.driver_id);
        paid = std::min(balance, bill.total_fen);
        if (paid < bill.total_fen)
            spdlog::warn("event=order_underpaid order={} total_fen={} paid_fen={}", o.id, bill.total_fen, paid);
        if (paid > 0)
            change_balance(sql, o.driver_id, -paid, "charge", o.id, std::nullopt, std::nullopt,
                           "charging session " + std::to_string(o.id), now);
    }
    store::Settlement s;
    s.stop_reason = std::string(domain::to_string(in.reason));
    s.tx_id = in.tx_id;
    s.meter_start_wh = start_wh;
    s.started_at = started_at;
    s.meter_end_wh = end.wh;
    s.stopped_at = end.at;
    s.bill = bill;
    s.paid_fen = paid;
    store::write_settlement(sql, o.id, s, now);
    store::release_claims(sql, o);
    spdlog::info("event=order_settled order={} reason={} energy_wh={} total_fen={} paid_fen={}", o.id,
                 s.stop_reason, bill.energy_wh, bill.total_fen, paid);
    return true;
}

void settle_at_last_meter(app::Context& ctx, std::int64_t order_id, StopReason reason) {
    store::Order o;
    {
        auto sql = ctx.db.session();
        o = load(*sql, order_id);
    }
    const OrderState state = domain::order_state_from_string(o.state);
    if (!domain::is_active(state)) return;
    if (state == OrderState::starting) {
        cancel_start(ctx, order_id, reason);  // takes its own session: none may be held here
        return;
    }
    auto sql = ctx.db.session();
    // The freshest reading: Redis (every sample) if it belongs to this order, else SQL's last persisted.
    SettleInput in;
    in.reason = reason;
    in.event = reason == StopReason::stop_timeout ? OrderEvent::stop_timeout : OrderEvent::charger_lost;
    in.end_wh = o.meter_last_wh.value_or(o.meter_start_wh.value_or(0));
    in.end_at = o.meter_last_at.value_or(o.started_at.value_or(o.created_at));
    if (auto last = running_last_sample(ctx, o.id); last && last->at >= in.end_at) {
        in.end_wh = last->wh;
        in.end_at = last->at;
    }
    bool done = false;
    {
        soci::transaction tr(*sql);
        done = settle(ctx, *sql, o, in);
        tr.commit();
    }
    if (!done) return;
    running_end(ctx, o);
    push_order(ctx, load(*sql, order_id));
}

store::Order refund_order(app::Context& ctx, std::int64_t order_id, std::int64_t amount_fen, const std::string& reason,
                          std::int64_t employee_id) {
    if (amount_fen <= 0) throw Error(Errc::bad_request, "field 'amount_fen' must be positive");
    if (reason.empty()) throw Error(Errc::bad_request, "field 'reason' is required");
    const UtcMs now = ctx.clock.now();
    auto sql = ctx.db.session();
    soci::transaction tr(*sql);
    store::Order o = load(*sql, order_id);
    if (o.state != domain::to_string(OrderState::settled))
        throw Error(Errc::invalid_state, "only settled orders can be refunded");
    if (o.driver_id == 0) throw Error(Errc::invalid_state, "a maintenance session has nothing to refund");
    if (o.refunded_fen + amount_fen > o.paid_fen)
        throw Error(Errc::refund_exceeds_paid, "refund exceeds what was paid: paid " + std::to_string(o.paid_fen) +
                                                   " fen, refunded " + std::to_string(o.refunded_fen) + " fen");
    // A concurrent refund may have taken the rest meanwhile.
    if (!store::add_refunded(*sql, o.id, amount_fen, now))
        throw Error(Errc::refund_exceeds_paid, "refund exceeds what was paid");
    change_balance(*sql, o.driver_id, amount_fen, "refund", o.id, std::nullopt, employee_id, reason, now);
    audit(*sql, employee_id, "order.refund", "order:" + std::to_string(o.id),
          {{"amount_fen", amount_fen}, {"reason", reason}}, now);
    tr.commit();
    o = load(*sql, order_id);
    push_order(ctx, o);
    return o;
}

boost::json::object order_json(app::Context& ctx, const store::Order& o, bool live) {
    auto opt = [](const std::optional<std::int64_t>& v) -> boost::json::value {
        return v ? boost::json::value(*v) : boost::json::value(nullptr);
    };
    auto time = [](const std::optional<std::int64_t>& v) -> boost::json::value {
        return v ? boost::json::value(format_utc(*v)) : boost::json::value(nullptr);
    };
    boost::json::object j{
        {"id", o.id},
        {"state", o.state},
        {"stop_reason", o.stop_reason ? boost::json::value(*o.stop_reason) : boost::json::value(nullptr)},
        {"driver_id", o.driver_id},
        {"station", {{"id", o.station_id}, {"name", o.station_name}}},
        {"charger_code", o.charger_code},
        {"connector", o.connector_no},
        {"tx_id", o.tx_id ? boost::json::value(*o.tx_id) : boost::json::value(nullptr)},
        {"schedule_id", opt(o.schedule_id)},
        {"limits", {{"energy_wh", opt(o.limit_wh)}, {"amount_fen", opt(o.limit_fen)}, {"minutes", opt(o.limit_minutes)}}},
        {"meter_start_wh", opt(o.meter_start_wh)},
        {"energy_wh", o.energy_wh},
        {"electricity_fen", o.electricity_fen},
        {"service_fen", o.service_fen},
        {"total_fen", o.total_fen},
        {"paid_fen", o.paid_fen},
        {"refunded_fen", o.refunded_fen},
        {"created_at", format_utc(o.created_at)},
        {"started_at", time(o.started_at)},
        {"stopped_at", time(o.stopped_at)},
        {"settled_at", time(o.settled_at)},
        {"tariff", boost::json::parse(o.tariff_spec)},
        {"timezone", o.timezone},
    };
    if (o.breakdown) {
        auto b = boost::json::parse(*o.breakdown);
        j["segments"] = b.as_object()["segments"];
    } else {
        j["segments"] = boost::json::array();
    }
    if (live && domain::is_active(domain::order_state_from_string(o.state))) {
        if (auto r = running_snapshot(ctx, o)) j["live"] = *r;
    }
    return j;
}

bool order_watched(app::Context& ctx, std::int64_t order_id) {
    return ctx.push.watched({"order:" + std::to_string(order_id), "dashboard"});
}

void push_order(app::Context& ctx, const store::Order& o) {
    if (!order_watched(ctx, o.id)) return;
    const std::string data = domain::to_json(order_json(ctx, o, true));
    ctx.push.publish("order:" + std::to_string(o.id), "order", data);
    ctx.push.publish("dashboard", "order", data);
}

}  // namespace kw::service
