#pragma once
// Station use cases: the drivers' list, nearby search and detail (stations joined with their
// chargers' live state and their parsed tariff), and the staff create/edit/delete (each with an
// audit row in the same transaction). Coordinates are WGS-84 here; datum conversion is the edge's.
// Each call opens and releases its own session. Worker threads only.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/context.hpp"
#include "domain/geo.hpp"
#include "domain/tariff.hpp"
#include "service/network.hpp"
#include "service/paged.hpp"
#include "store/stations_repo.hpp"
#include "store/tariffs_repo.hpp"

namespace kw::service {

struct StationSummary {
    store::StationRow station;
    std::vector<ChargerView> chargers;
    std::shared_ptr<const domain::Tariff> tariff;  // null: missing or unreadable
};

struct StationDetail : StationSummary {
    std::optional<store::TariffRow> tariff_row;
};

// q: case-insensitive substring of the name or the address. Oldest first.
Paged<StationSummary> list_stations(app::Context& ctx, const std::optional<std::string>& q, std::int64_t limit,
                                    std::int64_t offset);

struct NearbyQuery {
    domain::LngLat center;  // WGS-84
    double radius_m = 0;
    std::int64_t limit = 0;
    bool available_only = false;  // with dc_only: an available DC connector
    bool dc_only = false;
    bool open_now = false;
};
struct DirectoryEntry;
struct NearbyStation {
    double distance_m = 0;
    std::shared_ptr<const DirectoryEntry> entry;  // service/station_directory.hpp: up to its TTL old
};
// Nearest first (ties by id), at most query.limit. Answered from the station directory.
std::vector<NearbyStation> nearby_stations(app::Context& ctx, const NearbyQuery& query);

// kw::Error(not_found) without such a station.
StationDetail station_detail(app::Context& ctx, std::int64_t id);

// `fill`/`edit` apply the request onto the row (parsing and validating it, no I/O); the service then
// checks the tariff exists (bad_request naming tariff_id), writes and audits. Return the station id.
using StationEdit = std::function<void(store::StationRow&)>;
std::int64_t create_station(app::Context& ctx, std::int64_t employee_id, const StationEdit& fill);
void update_station(app::Context& ctx, std::int64_t employee_id, std::int64_t id, const StationEdit& edit);
// kw::Error(in_use) while chargers are attached to it.
void delete_station(app::Context& ctx, std::int64_t employee_id, std::int64_t id);

}  // namespace kw::service
