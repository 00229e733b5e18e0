#pragma once
// SQL for chargers and their connectors (the static data; what a charger is doing now lives in
// Redis, see live/state.hpp). Plain functions on a caller's session (worker threads only); the
// caller decides the transaction.
#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"

namespace kw::store {

struct ChargerRow {
    std::int64_t id = 0;
    std::string code;
    std::int64_t station_id = 0;
    std::string name;
    std::string kind;  // AC | DC
    std::int64_t rated_w = 0;
    std::string vendor, model, firmware, protocol;
    std::optional<UtcMs> last_boot_at;
    std::string mqtt_password_hash;  // "sha256$<salt>$<hex>", "" if none was issued
    UtcMs created_at = 0;
    UtcMs updated_at = 0;
    std::string station_name;  // joined
};

struct ConnectorRow {
    std::int64_t id = 0;
    std::int64_t charger_id = 0;
    int number = 0;
    std::int64_t max_w = 0;
};

// Inserts the charger (code, station_id, name, kind, rated_w, mqtt_password_hash); kw::Error(already_exists)
// if the code is taken.
std::int64_t insert_charger(soci::session& sql, const ChargerRow& c, UtcMs now);
std::optional<ChargerRow> find_charger(soci::session& sql, std::int64_t id);
std::optional<ChargerRow> find_charger_by_code(soci::session& sql, const std::string& code);
// Updates station_id, name, kind, rated_w. False if there is no such charger.
bool update_charger(soci::session& sql, const ChargerRow& c, UtcMs now);
void set_mqtt_password_hash(soci::session& sql, std::int64_t id, const std::string& hash, UtcMs now);
// Deletes the charger and its connectors.
bool delete_charger(soci::session& sql, std::int64_t id);

struct ChargerFilter {
    std::optional<std::string> q;  // case-insensitive (ASCII) substring of code or name
    std::optional<std::int64_t> station_id;
};
// Ordered by id. limit < 0: every match.
std::vector<ChargerRow> list_chargers(soci::session& sql, const ChargerFilter& f, std::int64_t limit,
                                      std::int64_t offset);
std::int64_t count_chargers(soci::session& sql, const ChargerFilter& f);
// The chargers of these stations, ordered by station then id.
std::vector<ChargerRow> chargers_of_stations(soci::session& sql,
                                             const std::vector<std::int64_t>& station_ids);

// Connectors of these chargers, ordered by charger then number.
std::vector<ConnectorRow> connectors_of(soci::session& sql, const std::vector<std::int64_t>& charger_ids);
// kw::Error(conflict) if the number is taken.
void insert_connector(soci::session& sql, std::int64_t charger_id, int number, std::int64_t max_w);
bool update_connector(soci::session& sql, std::int64_t charger_id, int number, std::int64_t max_w);
bool delete_connector(soci::session& sql, std::int64_t charger_id, int number);
// The connector's rated power (W); 0 if there is no such connector.
std::int64_t connector_max_w(soci::session& sql, std::int64_t charger_id, int number);

// Orders in starting/charging/stopping on the charger (on one connector when given).
std::int64_t count_active_orders(soci::session& sql, std::int64_t charger_id,
                                 std::optional<int> connector = {});

}  // namespace kw::store
