#include "http/handlers/network_json.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>

#include "domain/geo.hpp"
#include "domain/qr.hpp"
#include "domain/validate.hpp"

namespace kw::http {

namespace json = boost::json;

namespace {

json::value opt_time(std::optional<UtcMs> t) {
    if (!t || *t <= 0) return nullptr;
    return json::value(format_utc(*t));
}

json::object point(domain::LngLat p) { return {{"lng", p.lng}, {"lat", p.lat}}; }

}  // namespace

json::object tariff_json(const store::TariffRow& t) {
    json::object o{{"id", t.id}, {"name", t.name}};
    json::error_code ec;
    json::value spec = json::parse(t.spec, ec);
    const json::object* so = ec ? nullptr : spec.if_object();
    o["prices"] = so && so->contains("prices") ? so->at("prices") : json::value(json::object());
    o["periods"] = so && so->contains("periods") ? so->at("periods") : json::value(json::array());
    o["created_at"] = format_utc(t.created_at);
    o["updated_at"] = format_utc(t.updated_at);
    return o;
}

json::value price_now_json(const domain::Tariff* tariff, const std::string& timezone, UtcMs now) {
    if (!tariff) return nullptr;
    try {
        domain::PeriodKind kind = domain::period_at(*tariff, timezone, now);
        domain::Price p = domain::price_at(*tariff, timezone, now);
        return json::object{{"kind", domain::to_string(kind)},
                            {"electricity", p.electricity},
                            {"service", p.service},
                            {"total", p.electricity + p.service}};
    } catch (const std::exception& e) {
        spdlog::error("event=price_now_failed timezone={} error=\"{}\"", timezone, e.what());
        return nullptr;
    }
}

json::object connector_json(const app::Config& config, const std::string& code,
                            const service::ConnectorView& c) {
    return {{"number", c.number},
            {"max_w", c.max_w},
            {"status", c.status},
            {"power_w", c.power_w},
            {"energy_wh", c.energy_wh},
            {"soc", c.soc ? json::value(*c.soc) : json::value(nullptr)},
            {"qr_content", domain::format_qr_content(config.server.public_url, code, c.number)}};
}

json::object counts_json(const domain::ConnectorCounts& c) {
    return {{"total", c.total},
            {"available", c.available},
            {"charging", c.charging},
            {"faulted", c.faulted},
            {"offline", c.offline}};
}

json::object charger_json(const app::Config& config, const service::ChargerView& v, bool admin) {
    const store::ChargerRow& r = v.row;
    json::object o{{"id", r.id},         {"code", r.code},       {"name", r.name},
                   {"kind", r.kind},     {"rated_w", r.rated_w}, {"online", v.online},
                   {"vendor", r.vendor}, {"model", r.model},     {"firmware", r.firmware}};
    if (admin) {
        o["station_id"] = r.station_id;
        o["station_name"] = r.station_name;
        o["protocol"] = r.protocol;
        o["last_seen"] = opt_time(v.last_seen);
        o["last_boot_at"] = opt_time(r.last_boot_at);
        o["created_at"] = format_utc(r.created_at);
        o["updated_at"] = format_utc(r.updated_at);
    }
    json::array connectors;
    for (const auto& c : v.connectors) connectors.push_back(connector_json(config, r.code, c));
    o["connectors"] = std::move(connectors);
    return o;
}

json::object station_summary_json(const store::StationRow& s,
                                  const std::vector<service::ChargerView>& chargers,
                                  const domain::Tariff* tariff, UtcMs now) {
    domain::LngLat wgs{s.lng, s.lat};
    bool open_now = false;
    try {
        open_now = domain::is_open(domain::parse_opening_hours(s.opening_hours), s.timezone, now);
    } catch (const std::exception& e) {
        spdlog::error("event=station_hours_unreadable id={} error=\"{}\"", s.id, e.what());
    }
    domain::ConnectorCounts counts;
    for (const auto& c : chargers)
        for (const auto& conn : c.connectors) counts.add(conn.bucket);
    return {{"id", s.id},
            {"name", s.name},
            {"address", s.address},
            {"location", json::object{{"wgs84", point(wgs)}, {"gcj02", point(domain::wgs84_to_gcj02(wgs))}}},
            {"timezone", s.timezone},
            {"opening_hours", s.opening_hours},
            {"open_now", open_now},
            {"tariff_id", s.tariff_id},
            {"price_now", price_now_json(tariff, s.timezone, now)},
            {"connectors", counts_json(counts)}};
}

json::object alarm_json(const store::AlarmRow& a) {
    return {{"id", a.id},
            {"charger_id", a.charger_id},
            {"charger_code", a.charger_code},
            {"connector_no", a.connector_no},
            {"code", a.code},
            {"severity", a.severity},
            {"message", a.message},
            {"raised_at", format_utc(a.raised_at)},
            {"cleared_at", opt_time(a.cleared_at)}};
}

}  // namespace kw::http
