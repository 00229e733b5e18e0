// The meter-sample use case (service/charger_events.hpp), the hot path, applied a batch at a time:
// latest values go to Redis only; a billing sample goes to SQL when a tariff boundary was crossed or
// persist_interval_s passed; limits and the balance guard may stop the session here. During a
// session an implausible reading is refused first (domain/meter.hpp).
// Round trips per batch, whatever its size: Redis reads the chargers and connectors with the running
// state of the sessions they had at their last reading here (one; a second only for a session not
// seen here yet), and takes every write (one pipeline, where each hash is written once however many
// of its samples the batch holds: live/hset_merge.hpp); SQL takes the billing samples due in one
// transaction. Samples of the same connector are judged in order against the running state as the
// earlier ones left it (service/running.hpp), so a batch decides exactly what the same samples
// applied one by one would. Only when Redis lost a charger's live record does a batch cost more
// (service/live_record.hpp), and a transaction no running session accounts for is checked in SQL at
// most every 10 s (service/stale_tx.hpp).
#include <boost/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "domain/charger_clock.hpp"
#include "domain/error.hpp"
#include "domain/json_text.hpp"
#include "domain/meter.hpp"
#include "live/hset_merge.hpp"
#include "live/redis.hpp"
#include "live/state.hpp"
#include "service/charger_clock.hpp"
#include "service/charger_events.hpp"
#include "service/live_record.hpp"
#include "service/orders.hpp"
#include "service/running.hpp"
#include "service/stale_tx.hpp"
#include "store/db.hpp"
#include "ws/push.hpp"

namespace kw::service {

namespace {

void check(const device::MeterSample& e) {
    if (e.connector < 1 || e.connector > 64) throw Error(Errc::bad_request, "unknown connector");
    if (e.energy_wh < 0 || e.power_w < 0) throw Error(Errc::bad_request, "negative energy or power");
    if (e.soc && (*e.soc < 0 || *e.soc > 100)) throw Error(Errc::bad_request, "soc out of range");
}

// A sample that passed every check, with what applying it decided.
struct Accepted {
    const device::MeterSample* sample = nullptr;
    UtcMs at = 0;  // the sample's time on the server's clock
    std::int64_t station_id = 0;
    std::int64_t order_id = 0;
    RunningUpdate up;
};

boost::json::value soc_json(const device::MeterSample& e) {
    return e.soc ? boost::json::value(*e.soc) : boost::json::value(nullptr);
}

// Decides every sample of `todo` (indexes of checked samples) and applies the accepted ones. A
// Redis or SQL failure throws (the caller reports it for the samples not decided otherwise).
void apply_checked(app::Context& ctx, const std::vector<device::MeterSample>& samples,
                   const std::vector<std::size_t>& todo, std::vector<MeterOutcome>& out) {
    live::LiveState live(ctx.redis, ctx.config.redis.prefix);

    // First read: each charger and connector once, however many samples it sent, and the running
    // state of the order each connector had at its last reading here (a hint: used only if the
    // connector still names that order).
    std::map<std::pair<std::string, int>, std::size_t> slot_of;
    std::vector<std::pair<std::string, int>> connectors;
    for (const std::size_t i : todo) {
        auto [it, added] = slot_of.try_emplace({samples[i].code, samples[i].connector}, connectors.size());
        if (added) connectors.push_back(it->first);
    }
    std::vector<std::vector<std::string>> reads = live.chargers_and_connectors_commands(connectors);
    std::vector<std::int64_t> hint_of, hinted;  // per connector; the distinct ones
    for (const auto& [code, number] : connectors) hint_of.push_back(ctx.running_view.order_hint(code, number));
    for (const std::int64_t id : hint_of)
        if (id != 0) hinted.push_back(id);
    std::sort(hinted.begin(), hinted.end());
    hinted.erase(std::unique(hinted.begin(), hinted.end()), hinted.end());
    for (const std::int64_t id : hinted) reads.push_back(running_read_command(ctx, id));
    const std::vector<live::RedisReply> replies = ctx.redis.pipeline(reads);
    auto states = live::LiveState::chargers_and_connectors_from(replies, connectors.size());
    std::map<std::int64_t, RunningFields> running;
    for (std::size_t k = 0; k < hinted.size(); ++k)
        running[hinted[k]] = running_fields(replies.at(3 * connectors.size() + k));
    // No boot id: Redis lost the charger's live record (or the charger never booted). It is rebuilt
    // from SQL first, once per charger, and read again (the running states with it).
    std::set<std::string> restored;
    for (std::size_t k = 0; k < connectors.size(); ++k) {
        const live::ChargerLive& charger = states[k].first;
        if (charger.boot_id.empty() && restored.insert(connectors[k].first).second)
            restore_live_record(ctx, connectors[k].first, charger.online);
    }
    if (!restored.empty()) {
        states = live.chargers_and_connectors(connectors);
        running.clear();
    }
    for (std::size_t k = 0; k < connectors.size(); ++k)
        if (states[k].second.order_id != hint_of[k])
            ctx.running_view.set_order_hint(connectors[k].first, connectors[k].second, states[k].second.order_id);

    // A charger must have booted (with a known code) before its meter values count.
    std::vector<std::size_t> booted;
    std::vector<std::int64_t> order_ids;
    for (const std::size_t i : todo) {
        const auto& [charger, connector] = states[slot_of.at({samples[i].code, samples[i].connector})];
        if (charger.boot_id.empty()) {
            out[i].error = std::make_exception_ptr(Error(Errc::conflict, "meter values before boot"));
            continue;
        }
        booted.push_back(i);
        if (connector.order_id != 0 && !running.count(connector.order_id)) order_ids.push_back(connector.order_id);
    }
    std::sort(order_ids.begin(), order_ids.end());
    order_ids.erase(std::unique(order_ids.begin(), order_ids.end()), order_ids.end());
    // Second read, only for sessions the hints missed (a session's first readings here).
    std::vector<RunningFields> missed = running_read(ctx, order_ids);
    for (std::size_t k = 0; k < order_ids.size(); ++k) running[order_ids[k]] = std::move(missed[k]);

    // Each reading's time on the server's clock. A live reading also measures the charger's clock,
    // once that clock has been measured at all (from the ts of its boot or heartbeats): the offset
    // follows a clock that jumps (set by NTP) from the next reading on. A charger never measured is
    // believed within domain::kClockBelievedMs.
    const UtcMs now = ctx.clock.now();
    std::map<std::string, std::optional<UtcMs>> offsets;
    std::vector<UtcMs> at(samples.size());
    for (const std::size_t i : booted) {
        const device::MeterSample& e = samples[i];
        if (!e.live) {
            at[i] = e.at;
            continue;
        }
        auto [it, added] = offsets.try_emplace(e.code);
        if (added) it->second = states[slot_of.at({e.code, e.connector})].first.clock_offset_ms;
        const UtcMs received = e.received_at ? e.received_at : now;
        if (e.queued) {  // kept while offline: not a measurement of the clock
            at[i] = domain::queued_on_server_clock(e.at, it->second, received, now);
            continue;
        }
        if (it->second) it->second = measure_charger_clock(ctx, e.code, it->second, e.at, received);
        at[i] = domain::on_server_clock(e.at, it->second, received, now);
    }

    // During a session the reading is judged before anything uses it: one that goes backwards or
    // rises faster than the connector's max power is refused and changes nothing (live values,
    // SQL samples, pushes), so the estimate and the bill count each Wh once. One not after the
    // last accepted reading (stale) would set the connector's live values back: it changes nothing.
    std::vector<Accepted> accepted;
    std::vector<std::vector<std::string>> writes;
    // Transactions the charger reports that no running session accounts for: perhaps of an order
    // closed meanwhile (service/stale_tx.hpp). One whose started event has not been applied yet
    // (the connector waits for it, its order starting) is not among them.
    std::set<std::tuple<std::string, int, std::string>> unaccounted;
    // Per connector, the time of its live values as the samples before left them. Without a
    // session nothing else judges a reading: one not after them (a queued reading sent after newer
    // ones) is stale and would set the live values back.
    std::vector<UtcMs> live_at(connectors.size());
    for (std::size_t k = 0; k < connectors.size(); ++k) live_at[k] = states[k].second.at;
    for (const std::size_t i : booted) {
        const device::MeterSample& e = samples[i];
        const std::size_t slot = slot_of.at({e.code, e.connector});
        const auto& [charger, connector] = states[slot];
        Accepted a{&e, at[i], charger.station_id, connector.order_id, {}};
        const bool awaiting_start = connector.order_id != 0 && connector.tx_id.empty();
        if (a.order_id != 0) {
            try {
                a.up = running_update(ctx, a.order_id, running.at(a.order_id), a.at, e.energy_wh, e.power_w,
                                      e.soc);
            } catch (...) {  // e.g. the estimate overflowed: this sample only
                out[i].error = std::current_exception();
                continue;
            }
            if (a.up.rejected) {
                spdlog::warn(
                    "event=mqtt_rejected charger={} connector={} order={} reason={} energy_wh={} at={} last_wh={} "
                    "last_at={}",
                    e.code, e.connector, a.order_id, domain::to_string(*a.up.rejected), e.energy_wh,
                    format_utc(a.at), a.up.last.wh, format_utc(a.up.last.at));
                out[i].result = MeterOutcome::Result::refused;
                continue;
            }
            if (a.up.stale) {
                out[i].result = MeterOutcome::Result::stale;
                continue;
            }
        } else if (a.at <= live_at[slot]) {
            out[i].result = MeterOutcome::Result::stale;
            continue;
        }
        live_at[slot] = std::max(live_at[slot], a.at);
        if (!e.tx_id.empty() && !a.up.known && !awaiting_start) unaccounted.emplace(e.code, e.connector, e.tx_id);
        live::ConnectorLive sample;
        sample.energy_wh = e.energy_wh;
        sample.power_w = e.power_w;
        sample.voltage_v = e.voltage_v;
        sample.current_a = e.current_a;
        sample.soc = e.soc;
        sample.at = a.at;
        writes.push_back(live.connector_meter_command(e.code, e.connector, sample));
        if (!a.up.write.empty()) writes.push_back(std::move(a.up.write));
        accepted.push_back(std::move(a));
    }
    if (writes.empty()) return;
    ctx.redis.pipeline(live::merge_hsets(std::move(writes)));
    for (const Accepted& a : accepted)
        if (a.order_id != 0 && a.up.known) ctx.running_view.put(a.order_id, a.up.live);

    for (const Accepted& a : accepted) {
        const device::MeterSample& e = *a.sample;
        if (!charger_event_watched(ctx, e.code, a.station_id, e.connector, "meter")) continue;
        push_charger_event(ctx, e.code, a.station_id, e.connector, "meter",
                           {{"power_w", e.power_w},
                            {"energy_register_wh", e.energy_wh},
                            {"voltage_v", e.voltage_v},
                            {"current_a", e.current_a},
                            {"at", format_utc(a.at)},
                            {"soc", soc_json(e)}});
    }
    bool persist = false;
    for (const Accepted& a : accepted) persist = persist || a.up.persist_previous || a.up.persist_current;
    if (persist) {
        auto sql = ctx.db.session();
        soci::transaction tr(*sql);
        for (const Accepted& a : accepted) {
            if (!a.up.persist_previous && !a.up.persist_current) continue;
            if (a.up.persist_previous)
                store::insert_sample(*sql, a.order_id, a.up.persist_previous->at, a.up.persist_previous->wh);
            store::insert_sample(*sql, a.order_id, a.at, a.sample->energy_wh);
            store::update_meter(*sql, a.order_id, a.sample->energy_wh, a.at);
        }
        tr.commit();
    }
    for (const Accepted& a : accepted) {
        if (a.order_id == 0 || !a.up.known) continue;
        const std::string channel = "order:" + std::to_string(a.order_id);
        if (!ctx.push.watched({channel})) continue;
        const device::MeterSample& e = *a.sample;
        boost::json::object meter{{"order_id", a.order_id}, {"energy_wh", a.up.energy_wh},
                                  {"cost_fen", a.up.cost_fen}, {"power_w", e.power_w},
                                  {"at", format_utc(a.at)},   {"soc", soc_json(e)}};
        ctx.push.publish(channel, "meter", domain::to_json(meter));
    }
    // Auto-stop: running_update reports a stop once per order (stop_sent), here after the writes.
    for (const Accepted& a : accepted) {
        if (!a.up.stop) continue;
        spdlog::info("event=order_auto_stop order={} reason={} energy_wh={} cost_fen={}", a.order_id,
                     domain::to_string(*a.up.stop), a.up.energy_wh, a.up.cost_fen);
        try {
            request_stop(ctx, a.order_id, *a.up.stop);
        } catch (const Error& ex) {
            spdlog::warn("event=order_auto_stop_failed order={} error=\"{}\"", a.order_id, ex.what());
        }
    }
    for (const auto& [code, connector, tx_id] : unaccounted) {
        try {
            stop_if_stale(ctx, code, connector, tx_id);
        } catch (const std::exception& ex) {  // the samples are applied: this must not fail them
            spdlog::warn("event=stale_tx_check_failed code={} tx_id={} error=\"{}\"", code, tx_id, ex.what());
        }
    }
}

}  // namespace

std::vector<MeterOutcome> apply_meter_samples(app::Context& ctx, const std::vector<device::MeterSample>& samples) {
    std::vector<MeterOutcome> out(samples.size());
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        try {
            check(samples[i]);
            todo.push_back(i);
        } catch (const Error&) {
            out[i].error = std::current_exception();
        }
    }
    if (todo.empty()) return out;
    try {
        apply_checked(ctx, samples, todo, out);
    } catch (...) {
        // Redis or SQL failed: every sample not refused or failed on its own reports it.
        for (const std::size_t i : todo)
            if (!out[i].error && out[i].result == MeterOutcome::Result::applied) out[i].error = std::current_exception();
    }
    return out;
}

void apply_meter_sample(app::Context& ctx, const device::MeterSample& e) {
    const auto outcome = apply_meter_samples(ctx, {e});
    if (outcome.at(0).error) std::rethrow_exception(outcome.at(0).error);
}

}  // namespace kw::service
