// Charger events other than meter samples and transactions (charger_meter.cpp, charger_tx.cpp).
// Boot and heartbeat measure the charger's clock; the times of the others are put on the server's
// clock (service/charger_clock.hpp).
#include "service/charger_events.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "device/commands.hpp"
#include "domain/error.hpp"
#include "domain/json_text.hpp"
#include "live/redis.hpp"
#include "live/state.hpp"
#include "service/live_record.hpp"
#include "service/charger_clock.hpp"
#include "service/charger_commands.hpp"
#include "service/command_repeats.hpp"
#include "service/orders.hpp"
#include "store/alarms_repo.hpp"
#include "store/db.hpp"
#include "store/orders_repo.hpp"
#include "ws/push.hpp"

namespace kw::service {

store::ChargerKey known_charger(app::Context& ctx, const std::string& code) {
    auto sql = ctx.db.read_session();  // not SQLite's one writer: every device message asks this
    auto ref = store::find_charger_key(*sql, code);
    if (!ref) throw Error(Errc::not_found, "unknown charger");
    return *ref;
}

namespace {

std::vector<std::string> charger_channels(const std::string& code, std::int64_t station_id, int connector,
                                          const std::string& event) {
    std::vector<std::string> channels{"charger:" + code};
    if (connector > 0) channels.push_back("connector:" + code + ":" + std::to_string(connector));
    if (station_id > 0) channels.push_back("station:" + std::to_string(station_id));
    if (event != "meter") channels.push_back("dashboard");  // the dashboard wants changes, not every sample
    return channels;
}

}  // namespace

bool charger_event_watched(app::Context& ctx, const std::string& code, std::int64_t station_id, int connector,
                           const std::string& event) {
    return ctx.push.watched(charger_channels(code, station_id, connector, event));
}

void push_charger_event(app::Context& ctx, const std::string& code, std::int64_t station_id, int connector,
                        const std::string& event, const boost::json::object& data) {
    const std::vector<std::string> channels = charger_channels(code, station_id, connector, event);
    if (!ctx.push.watched(channels)) return;
    boost::json::object body = data;
    body["charger_code"] = code;
    if (connector > 0) body["connector"] = connector;
    ctx.push.publish_all(channels, event, domain::to_json(body));
}

void apply_boot(app::Context& ctx, const device::ChargerBooted& e) {
    const store::ChargerKey charger = known_charger(ctx, e.code);
    const UtcMs now = ctx.clock.now();
    std::vector<store::Order> active;
    std::string previous;  // the boot id before this boot, as SQL recorded it
    {
        auto sql = ctx.db.session();
        soci::transaction tr(*sql);
        previous = store::record_boot(*sql, charger.id, e.boot_id, e.vendor, e.model, e.firmware, now);
        active = store::active_orders_of_charger(*sql, charger.id);
        tr.commit();
    }
    live::LiveState live(ctx.redis, ctx.config.redis.prefix);
    const live::ChargerLive before = live.charger(e.code);  // no boot id: Redis lost the live record
    // Boots recorded before SQL kept boot ids are known to Redis alone.
    if (previous.empty()) previous = before.boot_id;
    live.set_boot(e.code, e.boot_id, now, charger.station_id, e.vendor, e.model, e.firmware);
    measure_charger_clock(ctx, e.code, before.clock_offset_ms, e.at, e.received_at ? e.received_at : now);
    live.mark_seen(e.code, now, ctx.config.orders.heartbeat_s * ctx.config.orders.missed_heartbeats);
    // A new boot id while sessions were running: the charger restarted and lost them. Close them at
    // their last known reading; an ended event it still holds is replayed later and applied once.
    if (!previous.empty() && previous != e.boot_id) {
        for (const auto& o : active) {
            spdlog::warn("event=charger_rebooted_mid_session code={} order={}", e.code, o.id);
            settle_at_last_meter(ctx, o.id, domain::StopReason::charger_rebooted);
        }
    } else if (before.boot_id.empty()) {
        restore_sessions(ctx, e.code, active);  // the same boot: its sessions go on
    }
    ctx.commands.send(e.code, device::BootAccepted{static_cast<int>(ctx.config.orders.heartbeat_s), now,
                                                   static_cast<int>(ctx.config.orders.meter_interval_s)});
    spdlog::info("event=charger_boot code={} boot_id={} vendor=\"{}\" model=\"{}\" firmware=\"{}\"", e.code,
                 e.boot_id, e.vendor, e.model, e.firmware);
    push_charger_event(ctx, e.code, charger.station_id, 0, "boot",
                       {{"online", true}, {"vendor", e.vendor}, {"model", e.model}, {"firmware", e.firmware}});
}

void apply_heartbeat(app::Context& ctx, const device::Heartbeat& e) {
    const auto before = live::LiveState(ctx.redis, ctx.config.redis.prefix).charger(e.code);
    const UtcMs received = e.received_at ? e.received_at : ctx.clock.now();
    if (!before.boot_id.empty()) {
        mark_seen(ctx, e.code, before.station_id, before.online);
        measure_charger_clock(ctx, e.code, before.clock_offset_ms, e.at, received);
        return;
    }
    // Redis lost the live record (or the charger never booted): rebuilt, and marked seen. Only a
    // known charger may be marked online. If the rebuild fails (the database is down), the charger
    // is marked seen anyway: the broker let it publish under its own code only, and a charger whose
    // heartbeats go unrecorded would have its running sessions settled as offline.
    std::optional<live::ChargerLive> restored;
    try {
        restored = restore_live_record(ctx, e.code, before.online);
    } catch (const std::exception&) {
        mark_seen(ctx, e.code, 0, before.online);
        throw;
    }
    if (!restored) throw Error(Errc::not_found, "unknown charger");
    measure_charger_clock(ctx, e.code, before.clock_offset_ms, e.at, received);
}

void apply_connector_status(app::Context& ctx, const device::ConnectorStatusChanged& e) {
    // Rebuilt first if Redis lost it; it also holds the clock offset (no second read for it).
    const live::ChargerLive record = live_record(ctx, e.code);
    const store::ChargerKey charger = known_charger(ctx, e.code);
    if (e.connector < 1 || e.connector > charger.connectors)
        throw Error(Errc::bad_request, "unknown connector " + std::to_string(e.connector));
    const std::string status(device::to_string(e.status));
    const UtcMs at = on_server_clock(ctx, record.clock_offset_ms, e.at, e.received_at);
    live::LiveState(ctx.redis, ctx.config.redis.prefix).set_connector_status(e.code, e.connector, status, at);
    push_charger_event(ctx, e.code, charger.station_id, e.connector, "status",
                       {{"status", status}, {"at", format_utc(at)}});
}

void apply_command_ack(app::Context& ctx, const device::CommandAcknowledged& e) {
    if (e.command && !e.command->about_an_order()) return apply_operator_command_ack(ctx, e);
    if (!e.command || e.command->kind != device::CommandKind::start) return;
    const store::ChargerKey charger = known_charger(ctx, e.code);
    {
        auto sql = ctx.db.session();
        auto order = store::find_order(*sql, e.command->order_id);
        if (!order || order->charger_id != charger.id) return;  // another charger's order: ignore
    }
    if (e.accepted) {
        start_acknowledged(ctx, e.command->order_id);  // no more repeats of this start
        return;
    }
    if (e.reason == "already_ended") {
        // A repeated start that reached the charger after the session it began had ended: the
        // session's tx events (kept until acknowledged) settle the order; cancelling it would not.
        spdlog::info("event=start_repeat_after_end code={} order={}", e.code, e.command->order_id);
        return;
    }
    // The start of an order was refused: cancel it at no charge (a no-op once it is not starting).
    cancel_start(ctx, e.command->order_id, domain::StopReason::start_rejected);
}

void apply_fault(app::Context& ctx, const device::FaultReported& e) {
    const store::ChargerKey charger = known_charger(ctx, e.code);
    if (e.connector < 0 || e.connector > charger.connectors) throw Error(Errc::bad_request, "unknown connector");
    const std::string severity(device::to_string(e.severity));
    const UtcMs at = on_server_clock(ctx, charger_clock_offset(ctx, e.code), e.at, e.received_at);
    {
        auto sql = ctx.db.session();
        if (e.cleared)
            store::clear_alarm(*sql, charger.id, e.connector, e.fault, at);
        else
            store::raise_alarm(*sql, charger.id, e.connector, e.fault, severity, e.message, at);
    }
    spdlog::info("event=charger_fault code={} connector={} fault={} severity={} cleared={}", e.code, e.connector,
                 e.fault, severity, e.cleared);
    push_charger_event(ctx, e.code, charger.station_id, e.connector, "alarm",
                       {{"code", e.fault},
                        {"severity", severity},
                        {"message", e.message},
                        {"cleared", e.cleared},
                        {"at", format_utc(at)}});
}

void apply_connection_lost(app::Context& ctx, const device::ConnectionLost& e) {
    live::LiveState live(ctx.redis, ctx.config.redis.prefix);
    if (!live.mark_offline(e.code)) return;  // already offline (another instance reported it)
    spdlog::info("event=charger_offline code={} reason={}", e.code, e.reason);
    push_charger_event(ctx, e.code, live.charger(e.code).station_id, 0, "offline",
                       {{"online", false}, {"reason", e.reason}});
}

}  // namespace kw::service
