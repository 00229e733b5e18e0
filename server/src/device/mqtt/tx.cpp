// kw/v1/<code>/tx: transaction started/ended, applied once per (charger, tx_id, seq) by the service,
// which also sends tx_ack.
#include "device/mqtt/payload.hpp"
#include "device/mqtt/topics.hpp"
#include "domain/error.hpp"
#include "domain/json_fields.hpp"
#include "service/charger_events.hpp"

namespace kw::device::mqtt {

void handle_tx(app::Context& ctx, const std::string& code, const boost::json::object& p, UtcMs received_at) {
    TransactionEvent e;
    e.code = code;
    const std::string event = domain::require_string(p, "event", 16);
    e.tx_id = domain::require_string(p, "tx_id", 64);
    e.seq = domain::require_int(p, "seq");
    const std::int64_t connector = domain::require_int(p, "connector");
    // A transaction started at the charger with a card has no order yet: `id_tag` instead.
    e.id_tag = domain::optional_string(p, "id_tag", 64).value_or("");
    e.keep_tx_id = domain::optional_bool(p, "keep_tx_id").value_or(false);
    // An `ended` may name its transaction only: the order that has it (docs/device-protocol.md).
    e.order_id = e.id_tag.empty() && event != "ended" ? domain::require_int(p, "order_id")
                                                       : domain::optional_int(p, "order_id").value_or(0);
    e.meter_wh = domain::require_int(p, "meter_wh");
    if (event == "started")
        e.kind = TransactionEvent::Kind::started;
    else if (event == "ended")
        e.kind = TransactionEvent::Kind::ended;
    else
        throw Error(Errc::bad_request, "unknown tx event: " + event);  // kw-mqtt/1 has no "updated"
    // connector 0 on `ended`: the order's own connector (an OCPP StopTransaction names none).
    const std::int64_t lowest = e.kind == TransactionEvent::Kind::ended ? 0 : 1;
    if (e.seq < 1 || e.meter_wh < 0 || connector < lowest || connector > 64)
        throw Error(Errc::bad_request, "seq, connector or meter_wh out of range");
    e.connector = static_cast<int>(connector);
    e.at = reported_time(p);
    e.queued = domain::optional_bool(p, "queued").value_or(false);
    e.received_at = received_at;
    if (e.kind == TransactionEvent::Kind::ended) {
        e.reason =
            charger_stop_reason_from_string(domain::optional_string(p, "reason", 32).value_or("other"));
        e.meter_start_wh = domain::optional_int(p, "meter_start_wh");
        if (e.meter_start_wh && *e.meter_start_wh < 0)
            throw Error(Errc::bad_request, "meter_start_wh out of range");
        if (auto started = domain::optional_string(p, "started_at", 40)) e.started_at = parse_utc(*started);
    }
    service::apply_transaction_event(ctx, e);
}

}  // namespace kw::device::mqtt
