// kw/v1/<code>/fault: an alarm raised or cleared.
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "device/mqtt/payload.hpp"
#include "device/mqtt/topics.hpp"
#include "domain/error.hpp"
#include "http/json_body.hpp"
#include "store/db.hpp"

namespace kw::device::mqtt {

void handle_fault(app::Context& ctx, const std::string& code, const boost::json::object& p) {
    const std::int64_t connector = http::optional_int(p, "connector").value_or(0);
    const std::string fault = http::require_string(p, "code", 64);
    const std::string severity = http::optional_string(p, "severity", 16).value_or("error");
    const std::string message = http::optional_string(p, "message", 255).value_or("");
    const bool cleared = http::optional_bool(p, "cleared").value_or(false);
    if (severity != "info" && severity != "warning" && severity != "error")
        throw Error(Errc::bad_request, "unknown severity: " + severity);
    const store::ChargerRef charger = known_charger(ctx, code);
    if (connector < 0 || connector > charger.connectors) throw Error(Errc::bad_request, "unknown connector");
    const UtcMs at = message_time(ctx, p);
    long long charger_id = charger.id, t = at;
    int n = static_cast<int>(connector);
    auto sql = ctx.db.session();
    if (cleared) {
        *sql << "UPDATE alarms SET cleared_at = :t WHERE charger_id = :c AND connector_no = :n AND code = :k "
                "AND cleared_at IS NULL",
            soci::use(t), soci::use(charger_id), soci::use(n), soci::use(fault);
    } else {
        *sql << "INSERT INTO alarms (charger_id, connector_no, code, severity, message, raised_at) "
                "VALUES (:c, :n, :k, :s, :m, :t)",
            soci::use(charger_id), soci::use(n), soci::use(fault), soci::use(severity), soci::use(message),
            soci::use(t);
    }
    spdlog::info("event=charger_fault code={} connector={} fault={} severity={} cleared={}", code, connector, fault,
                 severity, cleared);
    push_charger_event(ctx, code, charger.station_id, n, "alarm",
                       {{"code", fault}, {"severity", severity}, {"message", message}, {"cleared", cleared},
                        {"at", format_utc(at)}});
}

}  // namespace kw::device::mqtt
