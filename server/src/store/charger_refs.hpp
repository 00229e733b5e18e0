#pragma once
// The little the charging flow needs to know about a charger and its station, in one query.
#include <cstdint>
#include <optional>
#include <string>

#include <soci/soci.h>

namespace kw::store {

struct ChargerRef {
    std::int64_t id = 0;
    std::string code;
    std::int64_t station_id = 0;
    std::string station_name;
    std::string kind;  // AC | DC
    std::int64_t rated_w = 0;
    int connectors = 0;  // highest connector number
    std::string timezone;
    std::string tariff_spec;
};

std::optional<ChargerRef> find_charger_ref(soci::session& sql, const std::string& code);
std::optional<ChargerRef> find_charger_ref(soci::session& sql, std::int64_t id);
bool connector_exists(soci::session& sql, std::int64_t charger_id, int number);
void record_boot(soci::session& sql, std::int64_t charger_id, const std::string& vendor, const std::string& model,
                 const std::string& firmware, std::int64_t now);

}  // namespace kw::store
