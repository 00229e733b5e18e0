#pragma once
// JSON shapes of tariffs, stations, chargers and connectors, shared by the stations, chargers and
// dashboard handlers. Pure formatting over already loaded rows; any thread.
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>

#include "app/context.hpp"
#include "domain/tariff.hpp"
#include "service/network.hpp"
#include "store/alarms_repo.hpp"
#include "store/stations_repo.hpp"
#include "store/tariffs_repo.hpp"

namespace kw::http {

// {id, name, prices, periods, created_at, updated_at}
boost::json::object tariff_json(const store::TariffRow& t);

// {kind, electricity, service, total} in 1/10000 yuan per kWh; null without a tariff.
boost::json::value price_now_json(const domain::Tariff* tariff, const std::string& timezone, UtcMs now);

// {number, max_w, status, power_w, energy_wh, soc, qr_content}
boost::json::object connector_json(const app::Config& config, const std::string& code,
                                   const service::ConnectorView& c);
// {total, available, charging, faulted, offline}
boost::json::object counts_json(const domain::ConnectorCounts& c);

// {id, code, name, kind, rated_w, online, vendor, model, firmware, connectors:[...]}; with admin also
// station_id, station_name, protocol, last_seen, last_boot_at, created_at, updated_at.
boost::json::object charger_json(const app::Config& config, const service::ChargerView& v, bool admin);

// {id, name, address, location:{wgs84:{lng,lat}, gcj02:{lng,lat}}, timezone, opening_hours, open_now,
//  tariff_id, price_now, connectors:{counts}}
boost::json::object station_summary_json(const store::StationRow& s,
                                         const std::vector<service::ChargerView>& chargers,
                                         const domain::Tariff* tariff, UtcMs now);

// {id, charger_id, charger_code, connector_no, code, severity, message, raised_at, cleared_at}
boost::json::object alarm_json(const store::AlarmRow& a);

}  // namespace kw::http
