#pragma once
// The little the charging flow needs to know about a charger and its station, in one query.
#include <cstdint>
#include <optional>
#include <string>

#include <soci/soci.h>

#include "store/db.hpp"

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

// What a charger's own messages need of it (its ids and highest connector number): found by code on
// every device message, so one table and an index, without ChargerRef's joins to the station and
// its tariff (whose spec text every lookup copied).
struct ChargerKey {
    std::int64_t id = 0;
    std::int64_t station_id = 0;
    int connectors = 0;  // highest connector number
};
// Its statement kept per pooled connection (store/statement_cache.hpp).
std::optional<ChargerKey> find_charger_key(soci::session& sql, const std::string& code);

std::optional<ChargerRef> find_charger_ref(soci::session& sql, const std::string& code);
std::optional<ChargerRef> find_charger_ref(soci::session& sql, std::int64_t id);
bool connector_exists(soci::session& sql, std::int64_t charger_id, int number);
// Records a boot; returns the boot id of the boot before it ("" if none was recorded).
std::string record_boot(soci::session& sql, std::int64_t charger_id, const std::string& boot_id,
                        const std::string& vendor, const std::string& model, const std::string& firmware,
                        std::int64_t now);
// The latest boot record_boot recorded (boot_id "" if none).
struct ChargerBoot {
    std::string boot_id;
    std::int64_t boot_at = 0;
    std::string vendor, model, firmware;
};
ChargerBoot find_boot(soci::session& sql, std::int64_t charger_id);

}  // namespace kw::store
