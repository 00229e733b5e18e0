#pragma once
// The running state of an active session, kept in Redis hash <prefix>order:<id> (so any instance
// can continue it): start reading, latest reading, estimated cost so far, when a billing sample was
// last persisted, and the limits/balance to stop at. Updated on the charger's strand for every meter
// sample. The estimate is domain::bill_so_far of the samples so far; the bill at settlement is
// domain::bill_session of the persisted ones (service/orders.cpp), the same pricing.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "app/context.hpp"
#include "domain/meter.hpp"
#include "domain/order_state.hpp"
#include "live/redis.hpp"
#include "service/running_view.hpp"
#include "store/orders_repo.hpp"

namespace kw::service {

struct RunningSample {
    UtcMs at = 0;
    std::int64_t wh = 0;
};

// Redis commands a caller sends in the same round trip as running_begin's or running_end's own.
using RedisCommands = std::vector<std::vector<std::string>>;

// max_w: the connector's rated power (connectors.max_w), which bounds how fast its register may rise.
void running_begin(app::Context& ctx, const store::Order& order, std::int64_t start_wh, UtcMs started_at,
                   std::int64_t balance_fen, std::int64_t max_w, const RedisCommands& also = {});
// The running state of a started order rebuilt from SQL after Redis lost it: the estimate of its
// stored billing samples (`samples`, store::samples), which the next reading is judged against and
// added to, so no Wh is counted twice and the estimate still ends where the bill does. Readings
// after the last stored sample that Redis had seen are not lost: the next one covers them.
// Nothing for an order that has not started.
void running_restore(app::Context& ctx, const store::Order& order, const std::vector<domain::Sample>& samples,
                     std::int64_t balance_fen, std::int64_t max_w);

struct RunningUpdate {
    bool known = false;            // false: no running state (order not started or already ended)
    // Set when the reading was refused (it goes backwards or rises faster than max_w allows, see
    // domain/meter.hpp); then nothing was changed and the reading must not be used anywhere.
    std::optional<domain::MeterStep> rejected;
    RunningSample last;            // the last accepted reading (what a rejected one was judged against)
    // Not after the last accepted reading: a repeat, or an older one arriving late (a replay, or two
    // instances sharing a charger's messages). Nothing to add, and nothing newer to show.
    bool stale = false;
    std::int64_t energy_wh = 0;    // session energy so far
    std::int64_t cost_fen = 0;     // estimate: the bill of the samples so far
    std::optional<RunningSample> persist_previous;  // persist these billing samples (boundary crossed)
    bool persist_current = false;
    std::optional<domain::StopReason> stop;  // a limit or the balance says stop now (reported once)
    // The HSET that records an accepted, newer reading in the running state (empty otherwise). The
    // caller sends it, in one pipeline with its own writes: nothing is written before that, and
    // then puts `live` into ctx.running_view (what the order's detail shows of it).
    std::vector<std::string> write;
    RunningLive live;
};
// The running state of each order (its hash's fields; empty: none), all read in one round trip.
using RunningFields = std::map<std::string, std::string>;
std::vector<RunningFields> running_read(app::Context& ctx, const std::vector<std::int64_t>& order_ids);
// The same read of one order as a command, for a caller that sends it in a round trip of its own
// (service/charger_meter.cpp), and its reply as fields.
std::vector<std::string> running_read_command(app::Context& ctx, std::int64_t order_id);
RunningFields running_fields(const live::RedisReply& reply);

// Judges the reading against `fields` (from running_read) first; an accepted one is added to the
// estimate (checked arithmetic: an overflow throws kw::Error(bad_request) and changes nothing).
// Writes nothing to Redis: the update to send is `write`. An accepted, newer reading also updates
// `fields` as `write` will leave the hash, so the next reading of the same order in one batch is
// judged exactly as if the hash had been read again after this one was written.
RunningUpdate running_update(app::Context& ctx, std::int64_t order_id, RunningFields& fields, UtcMs at,
                             std::int64_t wh, std::int64_t power_w, std::optional<std::int64_t> soc);

std::optional<RunningSample> running_last_sample(app::Context& ctx, std::int64_t order_id);
// The order's "live" figures: from ctx.running_view when it has them, else from Redis.
std::optional<boost::json::object> running_snapshot(app::Context& ctx, const store::Order& order);
void running_end(app::Context& ctx, const store::Order& order, const RedisCommands& also = {});

}  // namespace kw::service
