#pragma once
// SQL for the stations table. Coordinates are stored in WGS-84 only. Plain functions on a caller's
// session (worker threads only); the caller decides the transaction.
#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "domain/station_search.hpp"

namespace kw::store {

struct StationRow {
    std::int64_t id = 0;
    std::string name;
    std::string address;
    double lng = 0;  // WGS-84
    double lat = 0;
    std::string timezone;       // IANA
    std::string opening_hours;  // "HH:MM-HH:MM"
    std::int64_t tariff_id = 0;
    UtcMs created_at = 0;
    UtcMs updated_at = 0;
};

// Uses every field but id/created_at/updated_at.
std::int64_t insert_station(soci::session& sql, const StationRow& s, UtcMs now);
// False if there is no such station.
bool update_station(soci::session& sql, const StationRow& s, UtcMs now);
bool delete_station(soci::session& sql, std::int64_t id);
std::optional<StationRow> find_station(soci::session& sql, std::int64_t id);

// q: case-insensitive (ASCII) substring of the name or the address. Oldest first.
std::vector<StationRow> list_stations(soci::session& sql, const std::optional<std::string>& q,
                                      std::int64_t limit, std::int64_t offset);
std::int64_t count_stations(soci::session& sql, const std::optional<std::string>& q);

// What a nearby search needs of every station inside the box (inclusive; see domain::GeoBox for
// wrapping boxes), by id: distance and opening state, without reading the names and addresses of
// the many it will not return; stations_by_ids then reads the few it does.
// Where a station is: all a nearby search needs to rank every candidate (the rest of the row is
// read for the few it returns).
struct StationPoint {
    std::int64_t id = 0;
    double lng = 0;
    double lat = 0;
};
std::vector<StationPoint> station_points_in_box(soci::session& sql, const domain::GeoBox& box);
// By id; unknown ids are skipped.
std::vector<StationRow> stations_by_ids(soci::session& sql, const std::vector<std::int64_t>& ids);

std::int64_t count_chargers_at(soci::session& sql, std::int64_t station_id);

}  // namespace kw::store
