#include "service/charger_clock.hpp"

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdlib>

#include "domain/charger_clock.hpp"
#include "live/state.hpp"
#include "service/charger_events.hpp"
#include "store/alarms_repo.hpp"
#include "store/db.hpp"

namespace kw::service {

namespace {

constexpr char kAlarm[] = "clock_skew";

// The operator is told about a skew worth reporting (domain::clock_skew_reported); the alarm follows
// it: a new one for a new skew, none once the clock is right again.
void record_change(app::Context& ctx, const std::string& code, UtcMs before, UtcMs offset, UtcMs now) {
    const bool reported = domain::clock_skew_reported(offset);
    if (!reported && !domain::clock_skew_reported(before)) {
        spdlog::debug("event=charger_clock_offset code={} offset_ms={}", code, offset);
        return;
    }
    const long long offset_s = std::llround(static_cast<double>(offset) / 1000.0);
    const std::string message = !reported ? std::string("clock right again")
                                          : "clock " + std::to_string(std::llabs(offset_s)) + " s " +
                                                (offset > 0 ? "ahead of" : "behind") + " the server";
    if (!reported)
        spdlog::info("event=charger_clock_ok code={} offset_s={}", code, offset_s);
    else
        spdlog::warn("event=charger_clock_skew code={} offset_s={}", code, offset_s);
    store::ChargerKey charger;
    try {
        charger = known_charger(ctx, code);
        auto sql = ctx.db.session();
        soci::transaction tr(*sql);
        store::clear_alarm(*sql, charger.id, 0, kAlarm, now);
        if (reported) store::raise_alarm(*sql, charger.id, 0, kAlarm, "warning", message, now);
        tr.commit();
    } catch (const std::exception& e) {
        // The correction is in place already; only the console's alarm is missing (e.g. the database
        // is down): the message that carried the measurement must not fail for it.
        spdlog::error("event=clock_alarm_failed code={} error=\"{}\"", code, e.what());
        return;
    }
    push_charger_event(ctx, code, charger.station_id, 0, "alarm",
                       {{"code", kAlarm},
                        {"severity", "warning"},
                        {"message", message},
                        {"cleared", !reported},
                        {"at", format_utc(now)}});
}

}  // namespace

UtcMs measure_charger_clock(app::Context& ctx, const std::string& code, std::optional<UtcMs> in_use,
                            UtcMs charger_at, UtcMs received) {
    if (charger_at == 0) return in_use.value_or(0);
    const UtcMs next = domain::next_clock_offset(in_use, charger_at - received);
    if (in_use == next) return next;
    live::LiveState(ctx.redis, ctx.config.redis.prefix).set_clock_offset(code, next);
    if (next != in_use.value_or(0)) record_change(ctx, code, in_use.value_or(0), next, received);
    return next;
}

UtcMs on_server_clock(app::Context& ctx, std::optional<UtcMs> offset, UtcMs charger_at, UtcMs received_at) {
    const UtcMs now = ctx.clock.now();
    return domain::on_server_clock(charger_at, offset, received_at ? received_at : now, now);
}

std::optional<UtcMs> charger_clock_offset(app::Context& ctx, const std::string& code) {
    return live::LiveState(ctx.redis, ctx.config.redis.prefix).clock_offset(code);
}

}  // namespace kw::service
