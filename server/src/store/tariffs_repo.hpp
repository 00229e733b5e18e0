#pragma once
// SQL for the tariffs table. A tariff's prices and periods are stored as the spec JSON that
// domain::parse_tariff validated. Plain functions on a caller's session (worker threads only); the
// caller decides the transaction.
#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"

namespace kw::store {

struct TariffRow {
    std::int64_t id = 0;
    std::string name;
    std::string spec;  // {"prices":{...},"periods":[...]}
    UtcMs created_at = 0;
    UtcMs updated_at = 0;
};

std::int64_t insert_tariff(soci::session& sql, const std::string& name, const std::string& spec, UtcMs now);
std::optional<TariffRow> find_tariff(soci::session& sql, std::int64_t id);
// Oldest first.
std::vector<TariffRow> list_tariffs(soci::session& sql, std::int64_t limit, std::int64_t offset);
std::int64_t count_tariffs(soci::session& sql);
// False if there is no such tariff.
bool update_tariff(soci::session& sql, std::int64_t id, const std::string& name, const std::string& spec,
                   UtcMs now);
bool delete_tariff(soci::session& sql, std::int64_t id);
// Stations whose tariff_id is this tariff.
std::int64_t count_stations_using_tariff(soci::session& sql, std::int64_t id);

}  // namespace kw::store
