#include "service/running.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <map>

#include "domain/schedule.hpp"
#include "domain/tariff.hpp"
#include "live/redis.hpp"
#include "service/tariff_cache.hpp"

namespace kw::service {

namespace {

std::string key(app::Context& ctx, std::int64_t order_id) {
    return ctx.config.redis.prefix + "order:" + std::to_string(order_id);
}

std::int64_t to_int(const std::string& s) {
    std::int64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}

// Every field of the running state that write_state writes. A read asks for these with HMGET: the
// hash's values in this order, without their names.
const std::vector<std::string> kFields = {
    "start_wh", "start_at", "last_wh", "last_at", "persisted_at", "est_fen", "power_w", "soc",
    "balance_fen", "driver_id", "limit_wh", "limit_fen", "limit_minutes", "tariff", "tz", "stop_sent",
    "max_w", "reading", "seg_at", "seg_wh", "closed_wh", "closed_elec_fen", "closed_service_fen"};

// HMGET reply -> the fields the hash has (none: no running state).
RunningFields fields_of(const live::RedisReply& reply) {
    RunningFields out;
    for (std::size_t i = 0; i < kFields.size() && i < reply.elements.size(); ++i)
        if (!reply.elements[i].is_nil()) out[kFields[i]] = reply.elements[i].str;
    return out;
}

std::vector<std::string> read_command(app::Context& ctx, std::int64_t order_id) {
    std::vector<std::string> cmd = {"HMGET", key(ctx, order_id)};
    cmd.insert(cmd.end(), kFields.begin(), kFields.end());
    return cmd;
}

RunningFields read_all(app::Context& ctx, std::int64_t order_id) {
    return fields_of(ctx.redis.command(read_command(ctx, order_id)));
}

std::string opt_str(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : std::string(); }

// The estimate's progress (domain::BillProgress) as kept in the hash. A session begun before these
// fields existed starts its progress at its start reading.
domain::BillProgress progress_of(std::map<std::string, std::string>& f) {
    domain::BillProgress p;
    p.started = true;
    p.last = {to_int(f["last_at"]), to_int(f["last_wh"])};
    if (f["seg_at"].empty()) {
        p.reading = p.last.wh;
        p.segment_start = to_int(f["start_at"]);
        p.segment_start_reading = to_int(f["start_wh"]);
        return p;
    }
    p.reading = to_int(f["reading"]);
    p.segment_start = to_int(f["seg_at"]);
    p.segment_start_reading = to_int(f["seg_wh"]);
    p.closed.energy_wh = to_int(f["closed_wh"]);
    p.closed.electricity_fen = to_int(f["closed_elec_fen"]);
    p.closed.service_fen = to_int(f["closed_service_fen"]);
    p.closed.total_fen = p.closed.electricity_fen + p.closed.service_fen;
    return p;
}

void put_progress(std::vector<std::string>& hset, const domain::BillProgress& p) {
    hset.insert(hset.end(), {"reading", std::to_string(p.reading), "seg_at", std::to_string(p.segment_start),
                             "seg_wh", std::to_string(p.segment_start_reading), "closed_wh",
                             std::to_string(p.closed.energy_wh), "closed_elec_fen",
                             std::to_string(p.closed.electricity_fen), "closed_service_fen",
                             std::to_string(p.closed.service_fen)});
}

// Writes the whole running state of `o` whose estimate has reached `p` (one round trip), with a
// lifetime: a forgotten key must not live forever (refreshed by every sample).
void write_state(app::Context& ctx, const store::Order& o, std::int64_t start_wh, UtcMs started_at,
                 const domain::BillProgress& p, std::int64_t est_fen, std::int64_t balance_fen, std::int64_t max_w,
                 const std::string& stop_sent, const RedisCommands& also = {}) {
    std::vector<std::string> hset = {
        "HSET", key(ctx, o.id), "start_wh", std::to_string(start_wh), "start_at", std::to_string(started_at),
        "last_wh", std::to_string(p.last.wh), "last_at", std::to_string(p.last.at), "persisted_at",
        std::to_string(p.last.at), "est_fen", std::to_string(est_fen), "power_w", "0", "soc", "", "balance_fen",
        std::to_string(balance_fen), "driver_id", std::to_string(o.driver_id), "limit_wh", opt_str(o.limit_wh),
        "limit_fen", opt_str(o.limit_fen), "limit_minutes", opt_str(o.limit_minutes), "tariff", o.tariff_spec,
        "tz", o.timezone, "stop_sent", stop_sent, "max_w", std::to_string(max_w)};
    put_progress(hset, p);
    RedisCommands cmds = {hset, {"EXPIRE", key(ctx, o.id), std::to_string(7 * 24 * 3600)}};
    cmds.insert(cmds.end(), also.begin(), also.end());
    ctx.redis.pipeline(cmds);
}

}  // namespace

void running_begin(app::Context& ctx, const store::Order& o, std::int64_t start_wh, UtcMs started_at,
                   std::int64_t balance_fen, std::int64_t max_w, const RedisCommands& also) {
    domain::BillProgress p;
    p.started = true;
    p.last = {started_at, start_wh};
    p.reading = start_wh;
    p.segment_start = started_at;
    p.segment_start_reading = start_wh;
    write_state(ctx, o, start_wh, started_at, p, 0, balance_fen, max_w, "", also);
    ctx.running_view.put(o.id, RunningLive{0, 0, 0, started_at, std::nullopt});
}

void running_restore(app::Context& ctx, const store::Order& o, const std::vector<domain::Sample>& samples,
                     std::int64_t balance_fen, std::int64_t max_w) {
    if (!o.meter_start_wh || !o.started_at) return;  // not started: there is no running state
    // The estimate is add_sample over the samples so far; over the stored ones it is their bill.
    const std::shared_ptr<const domain::Tariff> tariff = ctx.tariffs.parsed(o.tariff_spec);
    domain::BillProgress p;
    domain::add_sample(*tariff, o.timezone, p, {*o.started_at, *o.meter_start_wh});
    for (const domain::Sample& x : samples) domain::add_sample(*tariff, o.timezone, p, x);
    // A stopping order has had its stop asked: no limit asks again.
    const std::string stop_sent =
        o.state == domain::to_string(domain::OrderState::stopping) ? o.stop_reason.value_or("other") : "";
    const std::int64_t est_fen = domain::bill_so_far(*tariff, o.timezone, p).total_fen;
    write_state(ctx, o, *o.meter_start_wh, *o.started_at, p, est_fen, balance_fen, max_w, stop_sent);
    ctx.running_view.put(o.id, RunningLive{std::max<std::int64_t>(0, p.last.wh - *o.meter_start_wh), est_fen, 0,
                                           p.last.at, std::nullopt});
}

std::vector<RunningFields> running_read(app::Context& ctx, const std::vector<std::int64_t>& order_ids) {
    std::vector<RunningFields> out(order_ids.size());
    if (order_ids.empty()) return out;
    std::vector<std::vector<std::string>> cmds;
    cmds.reserve(order_ids.size());
    for (const std::int64_t id : order_ids) cmds.push_back(running_read_command(ctx, id));
    const auto replies = ctx.redis.pipeline(cmds);
    for (std::size_t i = 0; i < order_ids.size(); ++i) out[i] = fields_of(replies.at(i));
    return out;
}

std::vector<std::string> running_read_command(app::Context& ctx, std::int64_t order_id) {
    return read_command(ctx, order_id);
}

RunningFields running_fields(const live::RedisReply& reply) { return fields_of(reply); }

RunningUpdate running_update(app::Context& ctx, std::int64_t order_id, RunningFields& f, UtcMs at,
                             std::int64_t wh, std::int64_t power_w, std::optional<std::int64_t> soc) {
    RunningUpdate out;
    if (f.empty() || f["start_at"].empty()) return out;
    out.known = true;
    const std::int64_t start_wh = to_int(f["start_wh"]), last_wh = to_int(f["last_wh"]);
    const UtcMs start_at = to_int(f["start_at"]), last_at = to_int(f["last_at"]), persisted_at = to_int(f["persisted_at"]);
    out.last = RunningSample{last_at, last_wh};
    // Sessions begun before max_w was kept here have none (0): only the direction is checked.
    const domain::MeterStep step =
        domain::check_meter_step({last_at, last_wh}, {at, wh}, f["max_w"].empty() ? 0 : to_int(f["max_w"]));
    if (step != domain::MeterStep::ok) {
        out.rejected = step;
        return out;
    }
    if (at <= last_at) {  // stale or repeated sample: nothing to add
        out.stale = true;
        out.energy_wh = last_wh - start_wh;
        out.cost_fen = to_int(f["est_fen"]);
        return out;
    }
    // The estimate is the bill of the samples so far (domain::bill_so_far), so it ends where the bill does.
    const std::shared_ptr<const domain::Tariff> tariff = ctx.tariffs.parsed(f["tariff"]);
    const std::string& tz = f["tz"];
    domain::BillProgress progress = progress_of(f);
    const UtcMs segment_before = progress.segment_start;
    domain::add_sample(*tariff, tz, progress, {at, wh});
    out.energy_wh = std::max<std::int64_t>(0, wh - start_wh);
    out.cost_fen = domain::bill_so_far(*tariff, tz, progress).total_fen;

    // A boundary crossed: persist both readings around it, so the bill interpolates it as the estimate did.
    const bool boundary = progress.segment_start != segment_before;
    const bool interval_due = at - persisted_at >= ctx.config.orders.persist_interval_s * 1000;
    if (boundary) out.persist_previous = RunningSample{last_at, last_wh};
    out.persist_current = boundary || interval_due;

    domain::StopLimits limits;
    if (!f["limit_wh"].empty()) limits.energy_wh = to_int(f["limit_wh"]);
    if (!f["limit_fen"].empty()) limits.amount_fen = to_int(f["limit_fen"]);
    if (!f["limit_minutes"].empty()) limits.minutes = to_int(f["limit_minutes"]);
    switch (domain::limit_reached(limits, out.energy_wh, out.cost_fen, start_at, at)) {
        case domain::LimitHit::energy: out.stop = domain::StopReason::limit_energy; break;
        case domain::LimitHit::amount: out.stop = domain::StopReason::limit_amount; break;
        case domain::LimitHit::time: out.stop = domain::StopReason::limit_time; break;
        case domain::LimitHit::none: break;
    }
    const std::int64_t driver_id = to_int(f["driver_id"]);
    const domain::Price now_price = domain::price_at(*tariff, tz, at);
    if (!out.stop && driver_id != 0 &&
        domain::should_stop_for_balance(to_int(f["balance_fen"]), out.cost_fen, power_w,
                                        now_price.electricity + now_price.service,
                                        static_cast<int>(ctx.config.orders.balance_lookahead_s)))
        out.stop = domain::StopReason::balance_exhausted;
    if (out.stop && !f["stop_sent"].empty()) out.stop.reset();  // asked once already

    std::vector<std::string>& set = out.write;
    set = {"HSET", key(ctx, order_id), "last_wh", std::to_string(wh), "last_at", std::to_string(at), "est_fen",
           std::to_string(out.cost_fen), "power_w", std::to_string(power_w), "soc", soc ? std::to_string(*soc) : std::string()};
    put_progress(set, progress);
    if (out.persist_current) set.insert(set.end(), {"persisted_at", std::to_string(at)});
    if (out.stop) set.insert(set.end(), {"stop_sent", std::string(domain::to_string(*out.stop))});
    for (std::size_t i = 2; i + 1 < set.size(); i += 2) f[set[i]] = set[i + 1];
    out.live = RunningLive{out.energy_wh, out.cost_fen, power_w, at, soc};
    return out;
}

std::optional<RunningSample> running_last_sample(app::Context& ctx, std::int64_t order_id) {
    auto f = read_all(ctx, order_id);
    if (f.empty() || f["last_at"].empty()) return std::nullopt;
    return RunningSample{to_int(f["last_at"]), to_int(f["last_wh"])};
}

std::optional<boost::json::object> running_snapshot(app::Context& ctx, const store::Order& o) {
    std::optional<RunningLive> live = ctx.running_view.get(o.id);
    if (!live) {
        auto f = read_all(ctx, o.id);
        if (f.empty() || f["start_at"].empty()) return std::nullopt;
        live = RunningLive{std::max<std::int64_t>(0, to_int(f["last_wh"]) - to_int(f["start_wh"])), to_int(f["est_fen"]),
                           to_int(f["power_w"]), to_int(f["last_at"]), std::nullopt};
        if (!f["soc"].empty()) live->soc = to_int(f["soc"]);
    }
    boost::json::object j{{"energy_wh", live->energy_wh},
                          {"cost_fen", live->cost_fen},
                          {"power_w", live->power_w},
                          {"at", format_utc(live->at)}};
    j["soc"] = live->soc ? boost::json::value(*live->soc) : boost::json::value(nullptr);
    return j;
}

void running_end(app::Context& ctx, const store::Order& o, const RedisCommands& also) {
    ctx.running_view.forget(o.id);
    RedisCommands cmds = {{"DEL", key(ctx, o.id)}};
    cmds.insert(cmds.end(), also.begin(), also.end());
    ctx.redis.pipeline(cmds);
}

}  // namespace kw::service
